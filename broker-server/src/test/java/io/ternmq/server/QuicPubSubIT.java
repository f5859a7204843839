package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MQTT over QUIC against a running broker: QUIC clients (ALPN mqtt, MQTT on the first bidirectional stream) and
 * Paho TCP clients exchange messages both ways, at QoS 0 and 1, with MQTT 3.1.1 and 5.0 over QUIC; and the platform
 * rules hold over QUIC exactly as over TCP, because the stream gets the same pipeline.
 */
class QuicPubSubIT extends SharedQuicBrokerIT {

    private static MqttVersion version(String name) {
        return name.equals("5") ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1;
    }

    private static QuicMqttClient quicClient(String id, String version) throws Exception {
        QuicMqttClient client = QuicMqttClient.connect(context, broker.quicAddress(),
                QuicMqttClient.connectMessage(id, version(version)));
        MqttConnAckMessage connack = client.connack.get();
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connack.variableHeader().connectReturnCode());
        return client;
    }

    @ParameterizedTest(name = "MQTT {0} over QUIC <-> Paho 3.1.1 over TCP at QoS {1}")
    @CsvSource({"3.1.1, 0", "3.1.1, 1", "5, 0", "5, 1"})
    void quicAndTcpClientsExchangeMessagesBothWays(String version, int qos) throws Exception {
        String topic = "quic/" + version + "/" + qos;
        try (QuicMqttClient quic = quicClient("quic-" + version + "-" + qos, version);
             PahoClients.Client tcp = PahoClients.connect(broker, "tcp-" + version + "-" + qos,
                     MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
            assertEquals(List.of(1), quic.subscribe(topic + "/to-quic", 1), "the platform grants QoS 1");
            tcp.paho.subscribe(topic + "/to-tcp", 1);

            tcp.publish(topic + "/to-quic", "from tcp", qos);
            QuicMqttClient.Received atQuic = quic.next(10_000);
            assertNotNull(atQuic, "the QUIC client got nothing");
            assertEquals(topic + "/to-quic", atQuic.topic());
            assertEquals("from tcp", atQuic.text());
            assertEquals(qos, atQuic.qos(), "delivered at the publisher's QoS");

            MqttMessage puback = quic.publish(topic + "/to-tcp", "from quic", qos).get(10, TimeUnit.SECONDS);
            if (qos == 1) {
                assertNotNull(puback, "QoS 1 over QUIC is acknowledged");
            }
            PahoClients.Received atTcp = tcp.next();
            assertNotNull(atTcp, "the TCP client got nothing");
            assertEquals("from quic", atTcp.text());
            assertEquals(qos, atTcp.message().getQos());
        }
    }

    @Test
    void quicClientsTalkToEachOtherAndTheConnectionIsRecordedAsQuic() throws Exception {
        broker.server.engine().trace.traceClient("quic-a", true);
        try (QuicMqttClient a = quicClient("quic-a", "5"); QuicMqttClient b = quicClient("quic-b", "3.1.1")) {
            b.subscribe("q2q/#", 1);
            a.publish("q2q/x", "hello", 1).get(10, TimeUnit.SECONDS);
            QuicMqttClient.Received got = b.next(10_000);
            assertNotNull(got);
            assertEquals("hello", got.text());
            // The transport is recorded on the connection (and so in the trace and the log lines).
            assertEquals("quic", broker.server.engine().trace.recent("quic-a", 10).get(0).transport());
        }
    }

    @Test
    void qos2PublishOverQuicGetsDisconnect0x9bAsOverTcp() throws Exception {
        try (QuicMqttClient client = quicClient("quic-qos2", "5")) {
            client.publish("rules/qos2", "x", 2);
            MqttMessage disconnect = client.awaitPacket(MqttMessageType.DISCONNECT, 10_000);
            assertNotNull(disconnect, "an MQTT 5 client gets DISCONNECT before the connection closes");
            assertEquals((byte) 0x9B,
                    ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode());
            client.closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void retainedPublishOverQuicGetsDisconnect0x9a() throws Exception {
        try (QuicMqttClient client = quicClient("quic-retain", "5")) {
            client.publish("rules/retain", "x", 1, true);
            MqttMessage disconnect = client.awaitPacket(MqttMessageType.DISCONNECT, 10_000);
            assertNotNull(disconnect);
            assertEquals((byte) 0x9A,
                    ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode());
            client.closed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void mqtt311RuleBreakersAreClosedOverQuicAsOverTcp() throws Exception {
        for (boolean retain : new boolean[] {false, true}) {
            try (QuicMqttClient client = quicClient("quic-311-" + retain, "3.1.1")) {
                client.publish("rules/311", "x", retain ? 1 : 2, retain);
                client.closed.get(10, TimeUnit.SECONDS);
                assertNull(client.awaitPacket(MqttMessageType.PUBACK, 200), "nothing is acknowledged");
            }
        }
    }

    @Test
    void qos1PubackCarriesThePacketId() throws Exception {
        try (QuicMqttClient client = quicClient("quic-puback", "3.1.1")) {
            MqttMessage puback = client.publish("acks/x", "y", 1).get(10, TimeUnit.SECONDS);
            assertTrue(((MqttPubReplyMessageVariableHeader) puback.variableHeader()).messageId() > 0);
        }
    }
}
