package io.ternmq.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.ternmq.config.ConfigException;
import io.ternmq.config.ConfigLoader;
import io.ternmq.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping the context: only a complete, valid pair replaces the one in use. */
class ReloadableTlsContextTest {

    @TempDir
    Path dir;
    private Path certFile;
    private Path keyFile;
    private Pki.Issued first;

    @BeforeEach
    void writeFirstPair() throws Exception {
        first = Pki.selfSigned(Pki.ec(), "CN=first");
        certFile = Pki.pem(dir.resolve("cert.pem"), first.certificate());
        keyFile = Pki.pkcs8(dir.resolve("key.pem"), first.keys());
    }

    private TlsConfig config(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Map.of("tls.cert-file", certFile.toString(),
                "tls.key-file", keyFile.toString(), "tls.reload-interval", "0"));
        overrides.putAll(extra);
        return ConfigLoader.load(null, Map.of(), overrides).tls();
    }

    private Pki.Issued writeNewPair(String name) throws Exception {
        Pki.Issued next = Pki.selfSigned(Pki.ec(), "CN=" + name);
        Pki.pkcs8(keyFile, next.keys());
        Pki.pem(certFile, next.certificate());
        return next;
    }

    @Test
    void changedFilesAreLoadedOnceTheyHoldStillForOnePoll() throws Exception {
        try (ReloadableTlsContext tls = ReloadableTlsContext.open(config(Map.of()), dir)) {
            SslContext before = tls.current();
            tls.poll();
            assertSame(before, tls.current(), "nothing changed, nothing reloaded");

            Pki.Issued next = writeNewPair("second");
            tls.poll();
            assertSame(before, tls.current(), "a change is loaded only once the files stop changing");
            tls.poll();
            assertNotSame(before, tls.current());
            assertEquals(ServerCredentials.fingerprint(next.certificate()), tls.credentials().fingerprint());
        }
    }

    @Test
    void aHalfWrittenPairIsRefusedAndTheCompletedPairThenLoads() throws Exception {
        try (ReloadableTlsContext tls = ReloadableTlsContext.open(config(Map.of()), dir)) {
            String inUse = tls.credentials().fingerprint();
            Pki.Issued next = Pki.selfSigned(Pki.ec(), "CN=next");
            Pki.pem(certFile, next.certificate()); // the key is still the old one
            tls.poll();
            tls.poll();
            tls.poll();
            assertEquals(inUse, tls.credentials().fingerprint(), "a certificate without its key must not load");

            Pki.pkcs8(keyFile, next.keys());
            tls.poll();
            tls.poll();
            assertEquals(ServerCredentials.fingerprint(next.certificate()), tls.credentials().fingerprint());
        }
    }

    @Test
    void explicitReloadReportsWhetherTheFilesLoaded() throws Exception {
        try (ReloadableTlsContext tls = ReloadableTlsContext.open(config(Map.of()), dir)) {
            String inUse = tls.credentials().fingerprint();
            Files.writeString(keyFile, "garbage");
            assertFalse(tls.reload("test"));
            assertEquals(inUse, tls.credentials().fingerprint());
            Files.delete(certFile);
            assertFalse(tls.reload("test"));
            Pki.Issued next = writeNewPair("third");
            assertTrue(tls.reload("test"));
            assertEquals(ServerCredentials.fingerprint(next.certificate()), tls.credentials().fingerprint());
        }
    }

    @Test
    void generatedCertificateIsWatchedToo() throws Exception {
        TlsConfig generated = ConfigLoader.load(null, Map.of(), Map.of("tls.reload-interval", "0")).tls();
        try (ReloadableTlsContext tls = ReloadableTlsContext.open(generated, dir)) {
            KeyPair keys = Pki.rsa();
            Pki.Issued replacement = Pki.selfSigned(keys, "CN=replaced");
            Pki.pkcs8(GeneratedCertificate.keyFile(dir), keys);
            Pki.pem(GeneratedCertificate.certFile(dir), replacement.certificate());
            tls.poll();
            tls.poll();
            assertEquals(ServerCredentials.fingerprint(replacement.certificate()), tls.credentials().fingerprint());
        }
    }

    @Test
    void clientAuthenticationNeedsAReadableCaBundle() {
        ConfigException e = assertThrows(ConfigException.class, () -> ReloadableTlsContext.open(config(Map.of(
                "tls.client-auth", "required", "tls.client-ca-file", dir.resolve("none.pem").toString())), dir));
        assertEquals("tls.client-ca-file", e.key());
    }

    @Test
    void descriptionNamesTheEngineAndProtocols() {
        try (ReloadableTlsContext tls = ReloadableTlsContext.open(config(Map.of("tls.engine", "jdk")), dir)) {
            assertTrue(tls.description().startsWith("JDK engine"), tls.description());
            assertTrue(tls.description().contains("TLSv1.3, TLSv1.2"), tls.description());
        }
    }
}
