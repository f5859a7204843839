package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a newcomer runs it: QUIC on with no setup (the generated certificate), the QUIC test client
 * publishing and subscribing over UDP, mosquitto_sub and mosquitto_pub over TCP on the other side.
 */
class QuicEndToEndIT {

    @TempDir
    Path workDir;

    @Test
    void quicClientAndMosquittoOverTcpExchangeMessagesThroughTheJar() throws Exception {
        MosquittoEndToEndIT.requireMosquittoClients();
        int tcpPort = TestBroker.freePort();
        int quicPort = TestBroker.freeUdpPort();
        try (JarProcess jar = JarProcess.start(workDir, Map.of(), "--tcp-port", Integer.toString(tcpPort),
                "--tls-port", "0", "--quic-port", Integer.toString(quicPort))) {
            assertTrue(jar.awaitLine("ternmq ready", 30_000), "no 'ternmq ready' line: " + jar.output);
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("MQTT over QUIC listening on 127.0.0.1:" + quicPort)
                    && l.contains("ALPN mqtt")), jar.output.toString());
            Path cert = workDir.resolve("data/tls/ternmq-cert.pem");
            InetSocketAddress quic = new InetSocketAddress("127.0.0.1", quicPort);

            try (MosquittoSub sub = MosquittoSub.subscribed("-h", "127.0.0.1", "-p", Integer.toString(tcpPort),
                    "-V", "mqttv311", "-q", "1", "-t", "quic-e2e/#", "-v", "-C", "2", "-W", "20");
                 QuicMqttClient.Context context = new QuicMqttClient.Context(cert);
                 QuicMqttClient client = QuicMqttClient.connect(context, quic,
                         QuicMqttClient.connectMessage("e2e-quic", MqttVersion.MQTT_5))) {
                assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                        client.connack.get().variableHeader().connectReturnCode());
                client.publish("quic-e2e/a", "over quic 1", 1).get(10, TimeUnit.SECONDS);
                client.publish("quic-e2e/b", "over quic 0", 0).get(10, TimeUnit.SECONDS);
                assertTrue(sub.awaitExit(25, TimeUnit.SECONDS), "mosquitto_sub did not get 2 messages: "
                        + sub.output());
                assertEquals(List.of("quic-e2e/a over quic 1", "quic-e2e/b over quic 0"), sub.messages(),
                        sub.output());

                client.subscribe("to-quic/#", 1);
                Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(tcpPort),
                        "-V", "mqttv311", "-q", "1", "-t", "to-quic/x", "-m", "over tcp").redirectErrorStream(true)
                        .start();
                assertTrue(pub.waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, pub.exitValue());
                QuicMqttClient.Received got = client.next(10_000);
                assertNotNull(got, "the QUIC client got nothing from mosquitto_pub");
                assertEquals("over tcp", got.text());
            }
            jar.terminate();
            assertEquals(0, jar.awaitExit(30), "SIGTERM must drain and exit 0; output: " + jar.output);
        }
    }
}
