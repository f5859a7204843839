package io.ternmq.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.config.ConfigException;
import io.ternmq.config.ConfigLoader;
import io.ternmq.config.TlsConfig;
import io.ternmq.config.TlsEngine;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsContextFactoryTest {

    private static TlsConfig tls(Map<String, String> overrides) {
        return ConfigLoader.load(null, Map.of(), overrides).tls();
    }

    private static ServerCredentials credentials() throws Exception {
        Pki.Issued issued = Pki.selfSigned(Pki.ec(), "CN=broker");
        return new ServerCredentials(issued.keys().getPrivate(), List.of(issued.certificate()), "test");
    }

    @Test
    void defaultCipherSuitesAreAeadWithForwardSecrecyUnlessLegacyProtocolsAreOn() {
        List<String> modern = TlsContextFactory.defaultCiphers(List.of("TLSv1.3", "TLSv1.2"));
        assertTrue(modern.containsAll(TlsContextFactory.TLS13_CIPHERS));
        assertTrue(modern.stream().filter(c -> !TlsContextFactory.TLS13_CIPHERS.contains(c))
                .allMatch(c -> c.startsWith("TLS_ECDHE_") && (c.contains("_GCM_") || c.contains("CHACHA20"))),
                modern.toString());
        assertFalse(modern.stream().anyMatch(c -> c.contains("_CBC_")), modern.toString());

        List<String> legacy = TlsContextFactory.defaultCiphers(List.of("TLSv1.2", "TLSv1.1"));
        assertTrue(legacy.containsAll(TlsContextFactory.LEGACY_CIPHERS), legacy.toString());
    }

    @Test
    void jdkEngineRefusesProtocolsTheJdkSecurityPropertyDisables() {
        String jdk17 = "SSLv3, TLSv1, TLSv1.1, RC4, DES, MD5withRSA, DH keySize < 1024, EC keySize < 224";
        ConfigException e = assertThrows(ConfigException.class,
                () -> TlsContextFactory.requireJdkAllows(List.of("TLSv1.2", "TLSv1.1"), jdk17));
        assertEquals("tls.protocols", e.key());
        assertTrue(e.allowed().startsWith("protocols the JDK engine allows: TLSv1.1 is disabled"), e.allowed());
        assertDoesNotThrow(() -> TlsContextFactory.requireJdkAllows(List.of("TLSv1.3", "TLSv1.2"), jdk17));
        assertDoesNotThrow(() -> TlsContextFactory.requireJdkAllows(List.of("TLSv1.2", "TLSv1.1"),
                "SSLv3, RC4, DES"));
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void defaultContextEnablesTls13And12Only(TlsEngine engine) throws Exception {
        if (engine == TlsEngine.OPENSSL && !OpenSsl.isAvailable()) {
            return;
        }
        TlsConfig config = tls(Map.of("tls.engine", engine.name()));
        SslContext context = TlsContextFactory.build(config, TlsContextFactory.provider(engine), credentials(), null);
        SSLEngine sslEngine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            List<String> protocols = Arrays.stream(sslEngine.getEnabledProtocols())
                    .filter(p -> !p.equals("SSLv2Hello")).sorted().toList();
            assertEquals(List.of("TLSv1.2", "TLSv1.3"), protocols);
            assertFalse(Arrays.stream(sslEngine.getEnabledCipherSuites()).anyMatch(c -> c.contains("_CBC_")),
                    Arrays.toString(sslEngine.getEnabledCipherSuites()));
        } finally {
            ReferenceCountUtil.release(sslEngine);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"JDK", "OPENSSL"})
    void anUnknownCipherSuiteIsAStartUpError(TlsEngine engine) throws Exception {
        if (engine == TlsEngine.OPENSSL && !OpenSsl.isAvailable()) {
            return;
        }
        TlsConfig config = tls(Map.of("tls.engine", engine.name(),
                "tls.ciphers", "TLS_AES_128_GCM_SHA256,TLS_NOT_A_SUITE"));
        ServerCredentials credentials = credentials();
        ConfigException e = assertThrows(ConfigException.class, () -> TlsContextFactory.build(config,
                TlsContextFactory.provider(engine), credentials, null));
        assertEquals("tls.ciphers", e.key());
    }

    @Test
    void aConfiguredCipherListMustServeEveryEnabledProtocol() {
        ConfigException noTls13 = assertThrows(ConfigException.class, () -> TlsContextFactory
                .requireSuitesForEachProtocol(List.of("TLSv1.3", "TLSv1.2"),
                        List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
        assertEquals("tls.ciphers", noTls13.key());
        assertTrue(noTls13.allowed().contains("because tls.protocols has TLSv1.3"), noTls13.allowed());
        assertThrows(ConfigException.class, () -> TlsContextFactory.requireSuitesForEachProtocol(
                List.of("TLSv1.3", "TLSv1.2"), List.of("TLS_AES_128_GCM_SHA256")));
        assertThrows(ConfigException.class, () -> TlsContextFactory.requireSuitesForEachProtocol(
                List.of("TLSv1.2", "TLSv1.1"), List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")));
        assertDoesNotThrow(() -> TlsContextFactory.requireSuitesForEachProtocol(List.of("TLSv1.3", "TLSv1.2",
                "TLSv1.1"), List.of("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")));
        assertDoesNotThrow(() -> TlsContextFactory.requireSuitesForEachProtocol(List.of("TLSv1.3"), List.of()));
    }

    @Test
    void autoPicksOpenSslWhereItLoads() {
        SslProvider auto = TlsContextFactory.provider(TlsEngine.AUTO);
        assertEquals(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK, auto);
        assertTrue(TlsContextFactory.describe(auto).contains(OpenSsl.isAvailable() ? "OpenSSL" : "JDK"));
    }
}
