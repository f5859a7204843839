package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ternmq.core.auth.ConnectRequest;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Over QUIC the authenticator (and the logs) see the client's UDP address, not the MQTT stream's id. */
class QuicPeerAddressIT {

    @Test
    void theAuthenticatorSeesTheClientsUdpAddress() throws Exception {
        MutualTlsIT.RecordingAuthenticator authenticator = new MutualTlsIT.RecordingAuthenticator();
        try (TestBroker broker = TestBroker.start(Map.of(), authenticator)) {
            QuicMqttClient.Context context = new QuicMqttClient.Context(broker.certificate());
            try (QuicMqttClient client = QuicMqttClient.connect(context, broker.quicAddress(),
                    QuicMqttClient.connectMessage("quic-peer", io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1))) {
                client.connack.get();
                ConnectRequest request = authenticator.requests.get(0);
                assertEquals("quic", request.transport());
                InetSocketAddress address = assertInstanceOf(InetSocketAddress.class, request.remoteAddress());
                assertEquals("127.0.0.1", address.getAddress().getHostAddress());
            } finally {
                context.close();
            }
        }
    }
}
