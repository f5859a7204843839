package io.ternmq.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.config.ConfigException;
import io.ternmq.config.TlsConfig;
import io.ternmq.config.TlsEngine;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/** Builds the Netty {@link SslContext} of the TLS listener from the configuration and the loaded certificate. */
final class TlsContextFactory {

    /** TLS 1.3 suites (every TLS 1.3 implementation has these). */
    static final List<String> TLS13_CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    /** TLS 1.2: forward secrecy (ECDHE) and authenticated encryption (GCM, ChaCha20-Poly1305) only. */
    static final List<String> TLS12_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /**
     * TLS 1.0 and 1.1 have no AEAD suites: CBC with SHA-1 is what old devices speak. Offered only while one of
     * those protocols is switched on; plain RSA key exchange last, for stacks without ECDHE.
     */
    static final List<String> LEGACY_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA");
    static final Set<String> LEGACY_PROTOCOLS = Set.of("TLSv1", "TLSv1.1");

    private TlsContextFactory() {
    }

    /** The engine tls.engine asks for; {@code openssl} where the native library does not load is an error. */
    static SslProvider provider(TlsEngine engine) {
        return switch (engine) {
            case JDK -> SslProvider.JDK;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw ConfigException.invalidValue("tls.engine", "openssl", "auto or jdk: the OpenSSL engine "
                            + "does not load here (" + unavailability() + ")", PemFiles.SOURCE);
                }
                yield SslProvider.OPENSSL;
            }
        };
    }

    /** For the log: which engine, and why not OpenSSL when it is the JDK's. */
    static String describe(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            return "OpenSSL engine (" + OpenSsl.versionString() + ")";
        }
        return "JDK engine (Java " + System.getProperty("java.version")
                + (OpenSsl.isAvailable() ? "" : "; OpenSSL engine unavailable: " + unavailability()) + ")";
    }

    private static String unavailability() {
        Throwable cause = OpenSsl.unavailabilityCause();
        return cause == null ? "unknown reason" : ErrorText.of(cause);
    }

    static List<String> defaultCiphers(List<String> protocols) {
        List<String> ciphers = new ArrayList<>(TLS13_CIPHERS);
        ciphers.addAll(TLS12_CIPHERS);
        if (protocols.stream().anyMatch(LEGACY_PROTOCOLS::contains)) {
            ciphers.addAll(LEGACY_CIPHERS);
        }
        return ciphers;
    }

    /**
     * A context for new connections. A protocol or cipher suite the engine cannot provide is a
     * {@link ConfigException} here, at start-up, rather than a failed handshake later.
     */
    static SslContext build(TlsConfig tls, SslProvider provider, ServerCredentials credentials,
                            List<X509Certificate> clientCas) {
        if (provider == SslProvider.JDK) {
            requireJdkAllows(tls.protocols());
        }
        SslContextBuilder builder = SslContextBuilder
                .forServer(credentials.privateKey(), credentials.chain().toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(tls.protocols())
                .clientAuth(switch (tls.clientAuth()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRED -> ClientAuth.REQUIRE;
                });
        requireSuitesForEachProtocol(tls.protocols(), tls.ciphers());
        if (tls.ciphers().isEmpty()) {
            // The default list names suites some engines lack (ChaCha20 on old JDKs): keep what is supported.
            builder.ciphers(defaultCiphers(tls.protocols()), SupportedCipherSuiteFilter.INSTANCE);
        } else {
            builder.ciphers(tls.ciphers(), IdentityCipherSuiteFilter.INSTANCE);
        }
        if (clientCas != null) {
            builder.trustManager(clientCas.toArray(X509Certificate[]::new));
        }
        SslContext context;
        try {
            context = builder.build();
        } catch (SSLException | RuntimeException e) {
            throw ConfigException.invalidValue(tls.ciphers().isEmpty() ? "tls.protocols" : "tls.ciphers",
                    String.join(",", tls.ciphers().isEmpty() ? tls.protocols() : tls.ciphers()),
                    "what the " + describe(provider) + " supports (" + ErrorText.of(e) + ")", PemFiles.SOURCE);
        }
        probe(context, tls, provider);
        return context;
    }

    /**
     * A configured cipher list must hold a suite each enabled protocol can use, or that protocol silently never
     * negotiates: TLS 1.3 has its own suites (no "_WITH_"), and TLS 1.0 and 1.1 have no AEAD suites, only CBC with
     * SHA-1 (names ending in "_SHA").
     */
    static void requireSuitesForEachProtocol(List<String> protocols, List<String> ciphers) {
        if (ciphers.isEmpty()) {
            return; // the default list covers every protocol
        }
        for (String protocol : protocols) {
            String needed = switch (protocol) {
                case "TLSv1.3" -> ciphers.stream().anyMatch(c -> !c.contains("_WITH_")) ? null
                        : "a TLS 1.3 suite such as TLS_AES_128_GCM_SHA256";
                case "TLSv1.2" -> ciphers.stream().anyMatch(c -> c.contains("_WITH_")) ? null
                        : "a TLS 1.2 suite such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
                default -> ciphers.stream().anyMatch(c -> c.contains("_WITH_") && c.endsWith("_SHA")) ? null
                        : "a CBC suite such as TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
            };
            if (needed != null) {
                throw ConfigException.invalidValue("tls.ciphers", String.join(",", ciphers), "a list holding "
                        + needed + ", because tls.protocols has " + protocol, PemFiles.SOURCE);
            }
        }
    }

    /** Creates one engine, as a connection would, and checks it enables what was configured. */
    private static void probe(SslContext context, TlsConfig tls, SslProvider provider) {
        SSLEngine engine;
        try {
            engine = context.newEngine(ByteBufAllocator.DEFAULT);
        } catch (RuntimeException e) {
            throw ConfigException.invalidValue("tls.ciphers", String.join(",", tls.ciphers()),
                    "cipher suites the " + describe(provider) + " supports (" + ErrorText.of(e) + ")",
                    PemFiles.SOURCE);
        }
        try {
            List<String> enabledProtocols = Arrays.asList(engine.getEnabledProtocols());
            List<String> missing = tls.protocols().stream().filter(p -> !enabledProtocols.contains(p)).toList();
            if (!missing.isEmpty()) {
                throw ConfigException.invalidValue("tls.protocols", String.join(",", tls.protocols()),
                        "protocols the " + describe(provider) + " can enable with the configured cipher suites; "
                                + String.join(", ", missing) + " cannot be", PemFiles.SOURCE);
            }
            List<String> enabledCiphers = Arrays.asList(engine.getEnabledCipherSuites());
            List<String> unsupported = tls.ciphers().stream().filter(c -> !enabledCiphers.contains(c)).toList();
            if (!unsupported.isEmpty()) {
                throw ConfigException.invalidValue("tls.ciphers", String.join(",", tls.ciphers()),
                        "cipher suites the " + describe(provider) + " supports; it does not support "
                                + String.join(", ", unsupported), PemFiles.SOURCE);
            }
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    /**
     * The JDK refuses protocols listed in the security property jdk.tls.disabledAlgorithms (TLS 1.0 and 1.1 since
     * Java 16) however they are enabled, so a configuration asking for them would fail every such handshake.
     */
    static void requireJdkAllows(List<String> protocols) {
        requireJdkAllows(protocols, Security.getProperty("jdk.tls.disabledAlgorithms"));
    }

    static void requireJdkAllows(List<String> protocols, String property) {
        Set<String> disabled = property == null ? Set.of() : Arrays.stream(property.split(","))
                .map(s -> s.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> refused = protocols.stream().filter(p -> disabled.contains(p.toLowerCase(Locale.ROOT))).toList();
        if (!refused.isEmpty()) {
            throw ConfigException.invalidValue("tls.protocols", String.join(",", protocols),
                    "protocols the JDK engine allows: " + String.join(", ", refused) + " is disabled by the JDK "
                            + "security property jdk.tls.disabledAlgorithms; use tls.engine: auto or openssl where "
                            + "the OpenSSL engine loads, or start java with -Djava.security.properties=FILE "
                            + "(docs/tls.md, TLS 1.0 and 1.1)", PemFiles.SOURCE);
        }
    }
}
