package io.ternmq.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedCertificateTest {

    @TempDir
    Path dataDir;

    private static List<String> alternativeNames(X509Certificate certificate) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<?> entry : certificate.getSubjectAlternativeNames()) {
            names.add(entry.get(0) + "=" + entry.get(1));
        }
        return names;
    }

    @Test
    void firstStartGeneratesACertificateForTheLoopbackNamesAndTheHostName() throws Exception {
        ServerCredentials generated = GeneratedCertificate.create(dataDir, List.of("localhost", "broker-host"));
        X509Certificate certificate = generated.certificate();
        assertEquals(List.of("2=localhost", "2=broker-host", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1"),
                alternativeNames(certificate));
        assertEquals("RSA", certificate.getPublicKey().getAlgorithm());
        assertEquals("SHA256withRSA", certificate.getSigAlgName());
        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage()); // serverAuth
        certificate.verify(certificate.getPublicKey()); // self-signed
        assertTrue(certificate.getNotBefore().toInstant().isBefore(Instant.now()));
        assertTrue(certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(800))));
    }

    @Test
    void filesAreWrittenWithAPrivateKeyFileAndReadBackAsTheSamePair() throws Exception {
        ServerCredentials generated = GeneratedCertificate.loadOrCreate(dataDir);
        Path key = dataDir.resolve("tls/ternmq-key.pem");
        Path cert = dataDir.resolve("tls/ternmq-cert.pem");
        assertEquals(key, GeneratedCertificate.keyFile(dataDir));
        assertEquals(cert, GeneratedCertificate.certFile(dataDir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(cert).startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals(generated.fingerprint(), GeneratedCertificate.load(dataDir).fingerprint());
        assertTrue(GeneratedCertificate.hostNames().contains("localhost"));
    }

    @Test
    void laterStartsReuseTheCertificate() {
        String first = GeneratedCertificate.loadOrCreate(dataDir).fingerprint();
        assertEquals(first, GeneratedCertificate.loadOrCreate(dataDir).fingerprint());
    }

    @Test
    void aCertificateAboutToExpireIsReplaced() throws Exception {
        KeyPair keys = Pki.rsa();
        Files.createDirectories(dataDir.resolve("tls"));
        Pki.pem(GeneratedCertificate.certFile(dataDir),
                Pki.selfSigned(keys, "CN=old", Duration.ofDays(3)).certificate());
        Pki.pkcs8(GeneratedCertificate.keyFile(dataDir), keys);
        String old = GeneratedCertificate.load(dataDir).fingerprint();
        ServerCredentials renewed = GeneratedCertificate.loadOrCreate(dataDir);
        assertNotEquals(old, renewed.fingerprint());
        assertEquals(renewed.fingerprint(), GeneratedCertificate.load(dataDir).fingerprint(), "written to disk");
    }

    @Test
    void aDamagedPairStopsStartUpInsteadOfSilentlyChangingTheCertificate() throws Exception {
        GeneratedCertificate.loadOrCreate(dataDir);
        Files.delete(GeneratedCertificate.keyFile(dataDir));
        ConfigException missingKey = assertThrows(ConfigException.class,
                () -> GeneratedCertificate.loadOrCreate(dataDir));
        assertTrue(missingKey.allowed().contains("delete"), missingKey.allowed());

        Pki.pkcs8(GeneratedCertificate.keyFile(dataDir), Pki.rsa());
        ConfigException wrongKey = assertThrows(ConfigException.class,
                () -> GeneratedCertificate.loadOrCreate(dataDir));
        assertEquals("tls.key-file", wrongKey.key());
    }
}
