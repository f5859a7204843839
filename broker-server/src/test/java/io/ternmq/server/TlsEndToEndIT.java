package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.ternmq.config.ConfigException;
import io.ternmq.tls.ServerCredentials;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built jar as a newcomer runs it: TLS on with no setup, mosquitto_pub and mosquitto_sub trusting the
 * generated certificate with --cafile, SIGHUP reloading a replaced certificate, the JDK's TLS 1.1 switch from
 * docs/tls.md, and a broken key stopping start-up with one line.
 */
class TlsEndToEndIT {

    @TempDir
    Path workDir;

    private JarProcess startJar(Map<String, String> env, List<String> jvmOptions, int tlsPort) throws Exception {
        JarProcess jar = JarProcess.start(workDir, env, jvmOptions, "--tcp-port",
                Integer.toString(TestBroker.freePort()), "--tls-port", Integer.toString(tlsPort));
        assertTrue(jar.awaitLine("ternmq ready", 30_000), "no 'ternmq ready' line: " + jar.output);
        return jar;
    }

    private static void stop(JarProcess jar) throws Exception {
        jar.terminate();
        assertEquals(0, jar.awaitExit(30), "SIGTERM must drain and exit 0; output: " + jar.output);
    }

    @ParameterizedTest(name = "mosquitto clients at {0}")
    @ValueSource(strings = {"mqttv311", "mqttv5"})
    void mosquittoClientsTrustTheGeneratedCertificateWithCafile(String version) throws Exception {
        MosquittoEndToEndIT.requireMosquittoClients();
        int tlsPort = TestBroker.freePort();
        try (JarProcess jar = startJar(Map.of(), List.of(), tlsPort)) {
            Path cafile = workDir.resolve("data/tls/ternmq-cert.pem");
            assertTrue(Files.isRegularFile(cafile), "no generated certificate at " + cafile);
            String fingerprint = ServerCredentials.fingerprint(readCertificate(cafile));
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("ternmq-cert.pem") && l.contains(fingerprint)),
                    "the log must name the certificate file and its SHA-256 fingerprint: " + jar.output);
            int tlsLine = indexOf(jar.output, "MQTT over TLS listening on 127.0.0.1:" + tlsPort);
            assertTrue(tlsLine >= 0 && tlsLine < indexOf(jar.output, "ternmq ready"), jar.output.toString());

            try (MosquittoSub sub = MosquittoSub.subscribed("-h", "127.0.0.1", "-p", Integer.toString(tlsPort),
                    "--cafile", cafile.toString(), "-V", version, "-q", "1", "-t", "tls-e2e/#", "-v", "-C", "2",
                    "-W", "20")) {
                for (String host : List.of("127.0.0.1", "localhost")) {
                    Process pub = new ProcessBuilder("mosquitto_pub", "-h", host, "-p", Integer.toString(tlsPort),
                            "--cafile", cafile.toString(), "-V", version, "-q", "1", "-t", "tls-e2e/" + host,
                            "-m", "over tls").redirectErrorStream(true).start();
                    assertTrue(pub.waitFor(20, TimeUnit.SECONDS), "mosquitto_pub hung");
                    String out = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertEquals(0, pub.exitValue(), "mosquitto_pub --cafile to " + host + ": " + out);
                }
                assertTrue(sub.awaitExit(25, TimeUnit.SECONDS), "mosquitto_sub did not get 2 messages: "
                        + sub.output());
                assertEquals(List.of("tls-e2e/127.0.0.1 over tls", "tls-e2e/localhost over tls"), sub.messages(),
                        sub.output());
            }
            stop(jar);
        }
    }

    @Test
    void sighupServesAReplacedCertificateToNewConnections() throws Exception {
        TestPki.Issued first = TestPki.selfSignedServer("before");
        Path cert = first.writeCertificate(workDir.resolve("server.pem"));
        Path key = first.writeKey(workDir.resolve("server.key"));
        int tlsPort = TestBroker.freePort();
        // Polling off: only SIGHUP can make the broker read the files again.
        try (JarProcess jar = startJar(Map.of("TERNMQ_TLS_CERT_FILE", cert.toString(),
                "TERNMQ_TLS_KEY_FILE", key.toString(), "TERNMQ_TLS_RELOAD_INTERVAL", "0"), List.of(), tlsPort)) {
            assertEquals(ServerCredentials.fingerprint(first.certificate()), TlsClients.fingerprintServed(tlsPort));
            TestPki.Issued second = TestPki.selfSignedServer("after");
            second.writeKey(key);
            second.writeCertificate(cert);
            String expected = ServerCredentials.fingerprint(second.certificate());
            assertEquals(ServerCredentials.fingerprint(first.certificate()), TlsClients.fingerprintServed(tlsPort),
                    "without SIGHUP (and with polling off) the certificate in use stays");

            jar.hangUp();
            assertTrue(jar.awaitLine("TLS certificate reloaded (SIGHUP)", 10_000), jar.output.toString());
            assertEquals(expected, TlsClients.fingerprintServed(tlsPort));
            stop(jar);
        }
    }

    /** docs/tls.md: the JDK's security override that lets its engine speak TLS 1.1 and 1.0 again. */
    @Test
    void jdkEngineServesTls11WithTheDocumentedSecurityOverride() throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "the TLS 1.1 test client needs the OpenSSL engine");
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        String relaxed = Arrays.stream(disabled.split(",")).map(String::strip)
                .filter(a -> !a.equals("TLSv1") && !a.equals("TLSv1.1")).collect(Collectors.joining(", "));
        Path override = Files.writeString(workDir.resolve("legacy-tls.security"),
                "jdk.tls.disabledAlgorithms=" + relaxed + "\n");
        int tlsPort = TestBroker.freePort();
        try (JarProcess jar = startJar(Map.of("TERNMQ_TLS_ENGINE", "jdk",
                "TERNMQ_TLS_PROTOCOLS", "TLSv1.3,TLSv1.2,TLSv1.1"),
                List.of("-Djava.security.properties=" + override), tlsPort)) {
            assertTrue(jar.output.stream().anyMatch(l -> l.contains("WARN") && l.contains("TLSv1.1")),
                    "switching on TLS 1.1 must log a warning: " + jar.output);
            Path cafile = workDir.resolve("data/tls/ternmq-cert.pem");
            assertEquals("TLSv1.1", TlsClients.opensslConnect(tlsPort, cafile, "TLSv1.1"));
            stop(jar);
        }
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateStopsStartUpWithOneLine() throws Exception {
        Path cert = TestPki.selfSignedServer("server").writeCertificate(workDir.resolve("server.pem"));
        Path key = TestPki.selfSignedServer("other").writeKey(workDir.resolve("other.key"));
        try (JarProcess jar = JarProcess.start(workDir, Map.of("TERNMQ_TLS_CERT_FILE", cert.toString(),
                "TERNMQ_TLS_KEY_FILE", key.toString()), "--tcp-port", Integer.toString(TestBroker.freePort()),
                "--tls-port", Integer.toString(TestBroker.freePort()))) {
            assertEquals(2, jar.awaitExit(30), jar.output.toString());
            List<String> errors = jar.output.stream().filter(l -> l.startsWith("ternmq: ")).toList();
            assertEquals(1, errors.size(), jar.output.toString());
            assertTrue(errors.get(0).contains("tls.key-file") && errors.get(0).contains(key.toString()), errors.get(0));
            assertFalse(jar.output.stream().anyMatch(l -> l.contains("\tat ")), "a stack trace for a user mistake");
            assertFalse(jar.output.stream().anyMatch(l -> l.contains("listening on")), "no port may open");
        }
    }

    @Test
    void turningOffBothSocketListenersIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class, () -> Main.start(new String[] {"--tcp-port", "0",
            "--tls-port", "0", "--quic-port", "0", "--data-dir", workDir.toString()}, Map.of()));
        assertEquals("listeners.tcp-port", e.key());
        assertTrue(e.allowed().contains("at least one listener"), e.allowed());
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
