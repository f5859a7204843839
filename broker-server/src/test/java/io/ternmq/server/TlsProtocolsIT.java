package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.ternmq.config.ConfigException;
import java.io.OutputStream;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which TLS versions the listener speaks, on both engines: 1.3 and 1.2 by default, 1.1 only once switched on.
 * TLS 1.1 clients are Netty's OpenSSL engine: the JDK's own client refuses TLS 1.1 before it sends a byte, so
 * it could not tell whether the broker refuses it.
 */
class TlsProtocolsIT {

    private static final byte[] CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};

    @ParameterizedTest(name = "{0} engine, client offers {1}")
    @CsvSource({"openssl, TLSv1.3", "openssl, TLSv1.2", "jdk, TLSv1.3", "jdk, TLSv1.2"})
    void jdkClientNegotiatesTls13And12AndSpeaksMqtt(String engine, String protocol) throws Exception {
        requireEngine(engine);
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_TLS_ENGINE", engine))) {
            SSLContext trusted = TlsClients.trusting(broker.certificate());
            try (SSLSocket socket = TlsClients.socket(broker.tlsPort, trusted, protocol)) {
                assertEquals(protocol, socket.getSession().getProtocol());
                OutputStream out = socket.getOutputStream();
                out.write(new byte[] {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x04,
                    'j', 'd', 'k', '1'});
                out.flush();
                assertArrayEquals(CONNACK_ACCEPTED, socket.getInputStream().readNBytes(4),
                        "MQTT CONNECT over " + protocol);
            }
        }
    }

    @ParameterizedTest(name = "{0} engine")
    @ValueSource(strings = {"openssl", "jdk"})
    void tls11IsRefusedByDefault(String engine) throws Exception {
        requireEngine(engine);
        requireOpenSslClient();
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_TLS_ENGINE", engine))) {
            assertThrows(SSLException.class,
                    () -> TlsClients.opensslConnect(broker.tlsPort, broker.certificate(), "TLSv1.1"));
            // The same client is accepted over TLS 1.2: the refusal above is the protocol version, not the client.
            assertEquals("TLSv1.2", TlsClients.opensslConnect(broker.tlsPort, broker.certificate(), "TLSv1.2"));
        }
    }

    @ParameterizedTest(name = "client offers {0}")
    @ValueSource(strings = {"TLSv1.1", "TLSv1"})
    void legacyProtocolsAreAcceptedOnceSwitchedOnWithTheOpenSslEngine(String protocol) throws Exception {
        requireEngine("openssl");
        requireOpenSslClient();
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_TLS_ENGINE", "openssl",
                "TERNMQ_TLS_PROTOCOLS", "TLSv1.3,TLSv1.2,TLSv1.1,TLSv1"))) {
            assertEquals(protocol, TlsClients.opensslConnect(broker.tlsPort, broker.certificate(), protocol));
        }
    }

    /**
     * The JDK engine cannot serve TLS 1.1 while the JDK's own security policy disables it, so asking for it is a
     * start-up error that says what to do; TlsEndToEndIT starts the jar with the documented override and proves
     * that TLS 1.1 then works on the JDK engine too.
     */
    @org.junit.jupiter.api.Test
    void jdkEngineRefusesToStartWithTls11WhileTheJdkDisablesIt() {
        assumeTrue(java.security.Security.getProperty("jdk.tls.disabledAlgorithms").contains("TLSv1.1"),
                "this JDK does not disable TLS 1.1");
        ConfigException e = assertThrows(ConfigException.class, () -> TestBroker.start(Map.of(
                "TERNMQ_TLS_ENGINE", "jdk", "TERNMQ_TLS_PROTOCOLS", "TLSv1.2,TLSv1.1")));
        assertEquals("tls.protocols", e.key());
        assertTrue(e.allowed().contains("-Djava.security.properties"), e.getMessage());
    }

    private static void requireEngine(String engine) {
        if (engine.equals("openssl")) {
            // The build ships the OpenSSL engine for Linux x86-64; elsewhere only the JDK engine can be tested.
            assumeTrue(OpenSsl.isAvailable(), "the OpenSSL engine does not load on this platform");
        }
    }

    private static void requireOpenSslClient() {
        assumeTrue(OpenSsl.isAvailable(), "the TLS 1.1 test client needs the OpenSSL engine");
    }
}
