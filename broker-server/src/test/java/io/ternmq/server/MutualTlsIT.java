package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.TlsIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS: the broker verifies client certificates against tls.client-ca-file and hands the verified
 * certificate's subject and alternative names to the authenticator.
 */
class MutualTlsIT {

    /** Accepts everyone and remembers what it was asked. */
    static final class RecordingAuthenticator implements Authenticator {
        final List<ConnectRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public AuthResult authenticate(ConnectRequest request) {
            requests.add(request);
            return AuthResult.ACCEPTED;
        }
    }

    @TempDir
    Path dir;
    private TestPki.Issued deviceCa;
    private TestPki.Issued device;
    private TestPki.Issued stranger;
    private Path caFile;
    private final RecordingAuthenticator authenticator = new RecordingAuthenticator();
    private TestBroker broker;

    @BeforeEach
    void makeCertificates() throws Exception {
        deviceCa = TestPki.authority("CN=acme device CA,O=acme");
        device = TestPki.issue(deviceCa, "CN=device-42,O=acme",
                new GeneralName(GeneralName.dNSName, "device-42.devices.acme.example"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "urn:acme:device:42"));
        TestPki.Issued otherCa = TestPki.authority("CN=other CA");
        stranger = TestPki.issue(otherCa, "CN=device-42,O=acme");
        caFile = deviceCa.writeCertificate(dir.resolve("device-ca.pem"));
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private void startBroker(String clientAuth) throws Exception {
        broker = TestBroker.start(Map.of("TERNMQ_TLS_CLIENT_AUTH", clientAuth,
                "TERNMQ_TLS_CLIENT_CA_FILE", caFile.toString()), authenticator);
    }

    private SSLContext presenting(TestPki.Issued certificate) throws Exception {
        return certificate == null ? TlsClients.trusting(broker.certificate())
                : TlsClients.trusting(broker.certificate(), certificate);
    }

    @Test
    void requiredRefusesAClientWithoutACertificate() throws Exception {
        startBroker("required");
        assertThrows(MqttException.class, () -> TlsClients.paho3(broker.tlsUri(), "anonymous", presenting(null)));
        assertTrue(authenticator.requests.isEmpty(), "a refused handshake never reaches CONNECT");
    }

    @Test
    void requiredRefusesACertificateFromAnotherCa() throws Exception {
        startBroker("required");
        assertThrows(MqttException.class, () -> TlsClients.paho3(broker.tlsUri(), "stranger", presenting(stranger)));
        assertTrue(authenticator.requests.isEmpty(), "a refused handshake never reaches CONNECT");
    }

    @Test
    void requiredAcceptsAGoodCertificateAndTheAuthenticatorSeesItsIdentity() throws Exception {
        startBroker("required");
        try (PahoClients.Client client = TlsClients.paho3(broker.tlsUri(), "device-42", presenting(device))) {
            client.paho.subscribe("devices/42/#", 1);
            client.publish("devices/42/state", "on", 1);
            PahoClients.Received r = client.next();
            assertNotNull(r, "a client with a good certificate can publish and subscribe");
            assertEquals("on", r.text());
        }
        assertEquals(1, authenticator.requests.size());
        ConnectRequest request = authenticator.requests.get(0);
        assertEquals("tls", request.transport());
        TlsIdentity identity = request.tlsIdentity();
        assertNotNull(identity, "the authenticator must see the verified certificate");
        assertEquals("CN=device-42,O=acme", identity.subject());
        assertEquals(List.of("DNS:device-42.devices.acme.example", "URI:urn:acme:device:42"),
                identity.alternativeNames());
        assertEquals("CN=acme device CA,O=acme", identity.issuer());
        assertEquals(device.certificate().getSerialNumber().toString(16), identity.serialNumber());
    }

    @Test
    void optionalAcceptsClientsWithoutACertificateAndStillVerifiesOnesThatPresentOne() throws Exception {
        startBroker("optional");
        try (PahoClients.Client plain = TlsClients.paho3(broker.tlsUri(), "no-cert", presenting(null));
             PahoClients.Client withCert = TlsClients.paho3(broker.tlsUri(), "with-cert", presenting(device))) {
            assertTrue(plain.paho.isConnected() && withCert.paho.isConnected());
        }
        assertThrows(MqttException.class, () -> TlsClients.paho3(broker.tlsUri(), "stranger", presenting(stranger)));
        assertEquals(2, authenticator.requests.size(), authenticator.requests.toString());
        ConnectRequest noCert = authenticator.requests.stream().filter(r -> r.clientId().equals("no-cert"))
                .findFirst().orElseThrow();
        ConnectRequest withCert = authenticator.requests.stream().filter(r -> r.clientId().equals("with-cert"))
                .findFirst().orElseThrow();
        assertNull(noCert.tlsIdentity());
        assertEquals("CN=device-42,O=acme", withCert.tlsIdentity().subject());
    }

    @Test
    void plainTcpClientsHaveNoTlsIdentity() throws Exception {
        startBroker("required");
        try (PahoClients.Client tcp = PahoClients.connect(broker, "over-tcp", 4, true)) {
            assertTrue(tcp.paho.isConnected());
        }
        assertEquals("tcp", authenticator.requests.get(0).transport());
        assertNull(authenticator.requests.get(0).tlsIdentity());
    }
}
