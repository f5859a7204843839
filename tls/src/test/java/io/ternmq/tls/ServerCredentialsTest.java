package io.ternmq.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate and key forms an operator brings, and the one-line errors for the ones that cannot work. */
class ServerCredentialsTest {

    @TempDir
    Path dir;

    private static void assertSameKey(KeyPair expected, ServerCredentials loaded) {
        assertEquals(expected.getPrivate().getAlgorithm(), loaded.privateKey().getAlgorithm());
        // The same secret, whatever DER form it was stored in.
        if (expected.getPrivate() instanceof ECPrivateKey ec) {
            assertEquals(ec.getS(), ((ECPrivateKey) loaded.privateKey()).getS());
        } else {
            assertEquals(((RSAPrivateKey) expected.getPrivate()).getPrivateExponent(),
                    ((RSAPrivateKey) loaded.privateKey()).getPrivateExponent());
        }
    }

    @Test
    void pkcs1RsaKey() throws Exception {
        KeyPair keys = Pki.rsa();
        Pki.Issued cert = Pki.selfSigned(keys, "CN=rsa");
        Path certFile = Pki.pem(dir.resolve("cert.pem"), cert.certificate());
        Path keyFile = Pki.pem(dir.resolve("key.pem"), keys.getPrivate());
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        ServerCredentials loaded = ServerCredentials.fromPem(certFile, keyFile);
        assertSameKey(keys, loaded);
        assertEquals(cert.certificate(), loaded.certificate());
    }

    @Test
    void secOneEcKey() throws Exception {
        KeyPair keys = Pki.ec();
        Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(keys, "CN=ec").certificate());
        Path keyFile = Pki.sec1(dir.resolve("key.pem"), keys);
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertSameKey(keys, ServerCredentials.fromPem(certFile, keyFile));
    }

    @Test
    void pkcs8KeysOfBothKinds() throws Exception {
        for (KeyPair keys : List.of(Pki.rsa(), Pki.ec())) {
            Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(keys, "CN=p8").certificate());
            Path keyFile = Pki.pkcs8(dir.resolve("key.pem"), keys);
            assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PRIVATE KEY-----"));
            assertSameKey(keys, ServerCredentials.fromPem(certFile, keyFile));
        }
    }

    @Test
    void chainKeepsTheServerCertificateFirstAndItsIntermediates() throws Exception {
        Pki.Issued ca = Pki.authority("CN=intermediate");
        Pki.Issued server = Pki.issue(ca, "CN=broker.example");
        Path certFile = Pki.pem(dir.resolve("chain.pem"), server.certificate(), ca.certificate());
        ServerCredentials loaded = ServerCredentials.fromPem(certFile, Pki.pkcs8(dir.resolve("key.pem"),
                server.keys()));
        assertEquals(List.of(server.certificate(), ca.certificate()), loaded.chain());
        assertEquals(ServerCredentials.fingerprint(server.certificate()), loaded.fingerprint());
        assertTrue(loaded.fingerprint().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), loaded.fingerprint());
    }

    @Test
    void pkcs12Keystore() throws Exception {
        KeyPair keys = Pki.ec();
        Pki.Issued cert = Pki.selfSigned(keys, "CN=p12");
        Path store = Pki.pkcs12(dir.resolve("server.p12"), cert, "changeit");
        ServerCredentials loaded = ServerCredentials.fromPkcs12(store, "changeit");
        assertSameKey(keys, loaded);
        assertEquals(cert.certificate(), loaded.certificate());
    }

    @Test
    void pkcs12WithTheWrongPasswordNamesThePasswordKeyWithoutShowingIt() throws Exception {
        Path store = Pki.pkcs12(dir.resolve("server.p12"), Pki.selfSigned(Pki.ec(), "CN=p12"), "changeit");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerCredentials.fromPkcs12(store, "wrong"));
        assertEquals("tls.pkcs12-password", e.key());
        assertFalse(e.getMessage().contains("wrong"), e.getMessage());
        assertFalse(e.getMessage().contains("changeit"), e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRefusedNamingTheKeyFile() throws Exception {
        Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(Pki.ec(), "CN=a").certificate());
        Path keyFile = Pki.pkcs8(dir.resolve("other.pem"), Pki.ec());
        ConfigException e = assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(certFile, keyFile));
        assertEquals("tls.key-file", e.key());
        assertEquals(keyFile.toString(), e.value());
        assertTrue(e.allowed().contains("belongs to another certificate"), e.allowed());
    }

    @Test
    void rsaKeyForAnEcCertificateIsRefused() throws Exception {
        Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(Pki.ec(), "CN=a").certificate());
        Path keyFile = Pki.pkcs8(dir.resolve("rsa.pem"), Pki.rsa());
        assertEquals("tls.key-file",
                assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(certFile, keyFile)).key());
    }

    @Test
    void missingGarbageAndKeylessFilesNameTheirKey() throws Exception {
        KeyPair keys = Pki.ec();
        Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(keys, "CN=a").certificate());
        Path keyFile = Pki.pkcs8(dir.resolve("key.pem"), keys);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        Path missing = dir.resolve("missing.pem");

        ConfigException noCert = assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(missing, keyFile));
        assertEquals("tls.cert-file", noCert.key());
        assertTrue(noCert.getMessage().endsWith("(file not found))"), noCert.getMessage());
        assertEquals("tls.cert-file",
                assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(garbage, keyFile)).key());
        assertEquals("tls.key-file",
                assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(certFile, missing)).key());
        ConfigException certAsKey = assertThrows(ConfigException.class,
                () -> ServerCredentials.fromPem(certFile, certFile));
        assertEquals("tls.key-file", certAsKey.key());
        assertTrue(certAsKey.allowed().contains("holds no"), certAsKey.allowed());
        assertEquals("tls.cert-file",
                assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(dir, keyFile)).key());
        assertEquals("tls.pkcs12-file",
                assertThrows(ConfigException.class, () -> ServerCredentials.fromPkcs12(garbage, "")).key());
    }

    @Test
    void encryptedKeyIsRefusedWithWhatToDo() throws Exception {
        KeyPair keys = Pki.ec();
        Path certFile = Pki.pem(dir.resolve("cert.pem"), Pki.selfSigned(keys, "CN=a").certificate());
        Path keyFile = Pki.encryptedPkcs8(dir.resolve("key.pem"), keys);
        ConfigException e = assertThrows(ConfigException.class, () -> ServerCredentials.fromPem(certFile, keyFile));
        assertEquals("tls.key-file", e.key());
        assertTrue(e.allowed().contains("encrypted") && e.allowed().contains("openssl pkey"), e.allowed());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
