package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/** 1,000 QUIC clients at once: each connects, subscribes to its own topic and a shared one, and receives. */
class QuicScaleIT {

    private static final int CLIENTS = 1000;

    @Test
    void aThousandConcurrentQuicClientsConnectSubscribeAndEachReceiveAMessage() throws Exception {
        List<QuicMqttClient> clients = new ArrayList<>(CLIENTS);
        try (TestBroker broker = TestBroker.start(Map.of());
             QuicMqttClient.Context context = new QuicMqttClient.Context(broker.certificate(), 16)) {
            try {
                // All handshakes in flight together, spread over 16 client sockets (and so over the broker's).
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(QuicMqttClient.start(context, broker.quicAddress(),
                            QuicMqttClient.connectMessage("scale-" + i, i % 2 == 0 ? MqttVersion.MQTT_5
                                    : MqttVersion.MQTT_3_1_1)));
                }
                CompletableFuture.allOf(clients.stream().map(c -> c.connack).toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                for (QuicMqttClient c : clients) {
                    assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                            c.connack.get().variableHeader().connectReturnCode());
                }
                assertTrue(broker.server.quic().stats().openConnections() >= CLIENTS);
                for (int i = 0; i < CLIENTS; i++) {
                    assertEquals(List.of(1), clients.get(i).subscribe("scale/" + i, 1));
                }
                try (PahoClients.Client publisher = PahoClients.connect(broker, "scale-publisher",
                        MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
                    for (int i = 0; i < CLIENTS; i++) {
                        publisher.publish("scale/" + i, "to " + i, 1);
                    }
                }
                for (int i = 0; i < CLIENTS; i++) {
                    QuicMqttClient.Received got = clients.get(i).next(30_000);
                    assertNotNull(got, "client " + i + " got nothing");
                    assertEquals("to " + i, got.text());
                }
            } finally {
                clients.forEach(QuicMqttClient::close);
            }
        }
    }
}
