package io.ternmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tls:} section: defaults, value syntax and the checks that relate its keys. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private static TlsConfig withFlags(Map<String, String> overrides) {
        return ConfigLoader.load(null, Map.of(), overrides).tls();
    }

    private static ConfigException refusedFlags(Map<String, String> overrides) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), overrides));
    }

    @Test
    void defaultsGenerateACertificateAndOfferTls13And12() {
        TlsConfig tls = BrokerConfig.defaults().tls();
        assertEquals(new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), "", ClientAuth.NONE,
                Optional.empty(), List.of("TLSv1.3", "TLSv1.2"), List.of(), TlsEngine.AUTO, Duration.ofSeconds(10),
                1000, Duration.ofSeconds(10)), tls);
        assertTrue(tls.usesGeneratedCertificate());
        assertEquals(8883, BrokerConfig.defaults().listeners().tlsPort());
    }

    @Test
    void fileSetsTheWholeSection() throws IOException {
        Path file = Files.writeString(dir.resolve("ternmq.yaml"), """
                tls:
                  cert-file: /etc/ternmq/chain.pem
                  key-file: /etc/ternmq/key.pem
                  client-auth: Required
                  client-ca-file: /etc/ternmq/devices-ca.pem
                  protocols: TLSv1.2, tlsv1.1, TLSv1.0
                  ciphers: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
                  engine: jdk
                  handshake-timeout: 2s
                  max-pending-handshakes: 50
                  reload-interval: 0
                """);
        TlsConfig tls = ConfigLoader.load(file, Map.of(), Map.of()).tls();
        assertEquals(Optional.of(Path.of("/etc/ternmq/chain.pem")), tls.certFile());
        assertEquals(Optional.of(Path.of("/etc/ternmq/key.pem")), tls.keyFile());
        assertEquals(ClientAuth.REQUIRED, tls.clientAuth());
        assertEquals(Optional.of(Path.of("/etc/ternmq/devices-ca.pem")), tls.clientCaFile());
        assertEquals(List.of("TLSv1.2", "TLSv1.1", "TLSv1"), tls.protocols());
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                tls.ciphers());
        assertEquals(TlsEngine.JDK, tls.engine());
        assertEquals(Duration.ofSeconds(2), tls.handshakeTimeout());
        assertEquals(50, tls.maxPendingHandshakes());
        assertEquals(Duration.ZERO, tls.reloadInterval());
        assertFalse(tls.usesGeneratedCertificate());
    }

    @Test
    void pkcs12KeystoreWithPasswordFromTheEnvironment() {
        TlsConfig tls = ConfigLoader.load(null, Map.of("TERNMQ_TLS_PKCS12_FILE", "server.p12",
                "TERNMQ_TLS_PKCS12_PASSWORD", " s3cret "), Map.of()).tls();
        assertEquals(Optional.of(Path.of("server.p12")), tls.pkcs12File());
        assertEquals(" s3cret ", tls.pkcs12Password(), "a password is taken exactly as given");
        assertFalse(tls.usesGeneratedCertificate());
        assertFalse(tls.toString().contains("s3cret"), tls.toString());
    }

    @Test
    void duplicateProtocolsCollapse() {
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), withFlags(Map.of("tls.protocols", "TLSv1.3,TLSv1.2,tlsv1.3"))
                .protocols());
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "tls.protocols              | SSLv3             | a comma-separated list of TLSv1.3",
        "tls.protocols              | TLSv1.2,          | a comma-separated list of TLSv1.3",
        "tls.protocols              | ''                | a comma-separated list of TLSv1.3",
        "tls.ciphers                | ''                | default, or a comma-separated list",
        "tls.ciphers                | 'AES 128'         | default, or a comma-separated list",
        "tls.client-auth            | want              | none, optional or required",
        "tls.engine                 | boringssl         | auto, openssl or jdk",
        "tls.cert-file              | ''                | none, or the path of a PEM certificate chain file",
        "tls.handshake-timeout      | 50ms              | a duration from 100ms to 10m",
        "tls.max-pending-handshakes | 0                 | an integer from 1 to 1000000",
        "tls.reload-interval        | 2h                | a duration from 0 to 60m",
    })
    void badValuesAreRefusedWithTheAllowedText(String key, String value, String allowedStart) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of(ConfigLoader.envName(key), value), Map.of()));
        assertEquals(key, e.key());
        assertEquals(value, e.value());
        assertTrue(e.allowed().startsWith(allowedStart), e.allowed());
    }

    @Test
    void certificateWithoutKeyNamesTheKeyFile() {
        ConfigException e = refusedFlags(Map.of("tls.cert-file", "chain.pem"));
        assertEquals("tls.key-file", e.key());
        assertEquals("invalid configuration: tls.key-file = \"none\" from default (allowed: the path of the PEM "
                + "private key of tls.cert-file = \"chain.pem\" from command-line override tls.cert-file)",
                e.getMessage());
    }

    @Test
    void keyWithoutCertificateNamesTheCertificateFile() {
        assertEquals("tls.cert-file", refusedFlags(Map.of("tls.key-file", "key.pem")).key());
    }

    @Test
    void pemFilesAndKeystoreTogetherAreRefused() {
        ConfigException e = refusedFlags(Map.of("tls.cert-file", "chain.pem", "tls.key-file", "key.pem",
                "tls.pkcs12-file", "server.p12"));
        assertEquals("tls.pkcs12-file", e.key());
        assertTrue(e.allowed().contains("either PEM files or a PKCS#12 keystore"), e.allowed());
    }

    @Test
    void clientAuthenticationNeedsACaBundle() {
        ConfigException e = refusedFlags(Map.of("tls.client-auth", "optional"));
        assertEquals("tls.client-ca-file", e.key());
        assertTrue(e.allowed().contains("tls.client-auth = \"optional\""), e.allowed());
        assertEquals(ClientAuth.REQUIRED, withFlags(Map.of("tls.client-auth", "required",
                "tls.client-ca-file", "ca.pem")).clientAuth());
    }
}
