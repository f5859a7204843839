package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.tls.GeneratedCertificate;
import io.ternmq.tls.ServerCredentials;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT over TLS with the certificate the broker generated on its first start, trusted by the clients exactly as
 * docs/tls.md tells a newcomer: Paho mqttv3 and mqttv5 over ssl://, and TLS and plain TCP clients mixed.
 */
class TlsPubSubIT {

    private static TestBroker broker;
    private static SSLContext trusted;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(Map.of());
        trusted = TlsClients.trusting(broker.certificate());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void pahoV3PublishesAndSubscribesAtQos1OverTls() throws Exception {
        try (PahoClients.Client sub = TlsClients.paho3(broker.tlsUri(), "tls-sub3", trusted);
             PahoClients.Client pub = TlsClients.paho3(broker.tlsUri(), "tls-pub3", trusted)) {
            sub.paho.subscribe("tls/v3/#", 1);
            pub.publish("tls/v3/temp", "21.5", 1);
            PahoClients.Received r = sub.next();
            assertNotNull(r, "nothing arrived over TLS");
            assertEquals("tls/v3/temp", r.topic());
            assertEquals("21.5", r.text());
            assertEquals(1, r.message().getQos());
        }
    }

    @Test
    void pahoV5PublishesAndSubscribesAtQos1OverTls() throws Exception {
        try (Paho5 sub = v5(broker.tlsUri(), "tls-sub5", trusted);
             Paho5 pub = v5(broker.tlsUri(), "tls-pub5", trusted)) {
            sub.paho.subscribe("tls/v5/#", 1);
            MqttMessage message = new MqttMessage("19.0".getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            pub.paho.publish("tls/v5/temp", message); // the synchronous client returns after the PUBACK
            Paho5.Received r = sub.next();
            assertNotNull(r, "nothing arrived over TLS");
            assertEquals("tls/v5/temp", r.topic());
            assertEquals("19.0", new String(r.message().getPayload(), StandardCharsets.UTF_8));
            assertEquals(1, r.message().getQos());
        }
    }

    @Test
    void tlsAndPlainTcpClientsExchangeMessagesBothWays() throws Exception {
        try (PahoClients.Client tls = TlsClients.paho3(broker.tlsUri(), "mixed-tls", trusted);
             PahoClients.Client tcp = PahoClients.connect(broker, "mixed-tcp", 4, true)) {
            tls.paho.subscribe("mixed/to-tls", 1);
            tcp.paho.subscribe("mixed/to-tcp", 1);
            tcp.publish("mixed/to-tls", "from tcp", 1);
            tls.publish("mixed/to-tcp", "from tls", 1);
            PahoClients.Received atTls = tls.next();
            PahoClients.Received atTcp = tcp.next();
            assertNotNull(atTls, "the TLS client got nothing from the TCP client");
            assertNotNull(atTcp, "the TCP client got nothing from the TLS client");
            assertEquals("from tcp", atTls.text());
            assertEquals("from tls", atTcp.text());
        }
    }

    @Test
    void generatedCertificateCoversTheLoopbackNamesAndItsKeyIsPrivate() throws Exception {
        X509Certificate served = TlsClients.handshake(broker.tlsPort, trusted).serverCertificate();
        X509Certificate onDisk;
        try (InputStream in = Files.newInputStream(broker.certificate())) {
            onDisk = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertEquals(onDisk, served, "the broker serves the certificate in " + broker.certificate());
        assertEquals(ServerCredentials.fingerprint(onDisk), broker.server.tls().credentials().fingerprint());
        List<String> names = new ArrayList<>();
        for (List<?> san : served.getSubjectAlternativeNames()) {
            names.add(String.valueOf(san.get(1)));
        }
        assertTrue(names.contains("localhost"), names.toString());
        assertTrue(names.contains("127.0.0.1"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.equals("0:0:0:0:0:0:0:1") || n.equals("::1")), names.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(GeneratedCertificate.keyFile(broker.dataDir))));
    }

    @Test
    void generatedCertificateIsReusedOnTheNextStart(@TempDir Path dataDir) throws Exception {
        String first;
        String[] args = {"--tcp-port", "0", "--tls-port", Integer.toString(TestBroker.freePort()),
            "--quic-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()};
        try (TernMq server = Main.start(args, Map.of())) {
            first = TlsClients.fingerprintServed(server.tlsAddress().getPort());
        }
        String[] again = {"--tcp-port", "0", "--tls-port", Integer.toString(TestBroker.freePort()),
            "--quic-port", "0", "--http-port", "0", "--data-dir", dataDir.toString()};
        try (TernMq server = Main.start(again, Map.of())) {
            assertEquals(first, TlsClients.fingerprintServed(server.tlsAddress().getPort()),
                    "a restart must serve the same certificate, or every client that trusted it breaks");
        }
    }

    /** Paho mqttv5 over ssl://, trusting the given context. */
    private static Paho5 v5(String uri, String clientId, SSLContext context) throws Exception {
        MqttConnectionOptions options = Paho5.options(true, 0L);
        options.setSocketFactory(context.getSocketFactory());
        return Paho5.connect(uri, clientId, options);
    }
}
