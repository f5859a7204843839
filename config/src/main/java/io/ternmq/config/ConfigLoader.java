package io.ternmq.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the {@link BrokerConfig} once at start-up from four layers, each overriding the one before:
 * embedded defaults, the YAML file, {@code TERNMQ_*} environment variables, command-line flags.
 * Every value is checked as it is read, so a bad value is reported even when a later layer overrides it;
 * checks that relate two keys run once all layers are applied.
 */
public final class ConfigLoader {

    private static final String ENV_PREFIX = "TERNMQ_";

    private ConfigLoader() {
    }

    /**
     * Loads and validates the configuration.
     *
     * @param file      the YAML file, or null for embedded defaults only
     * @param env       the process environment; only entries starting with {@code TERNMQ_} matter
     * @param overrides raw values from command-line flags by dotted key, e.g. {@code "listeners.tcp-port" -> "1884"}
     * @throws ConfigException for any problem, including an unreadable or missing file or invalid YAML
     *                         (key {@code config}, the file path as value)
     */
    public static BrokerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Layers layers = new Layers();
        for (ConfigKey<?> key : ConfigKey.ALL) {
            layers.set(key, key.defaultValue(), "default");
        }
        if (file != null) {
            YamlFile.read(file).forEach((key, raw) -> layers.set(key, raw, "file " + file));
        }
        // Sorted, so that with several mistakes the same one is reported first on every run.
        new TreeMap<>(env == null ? Map.<String, String>of() : env).forEach((name, raw) -> {
            if (name.startsWith(ENV_PREFIX)) {
                ConfigKey<?> key = ConfigKey.byEnvName(name);
                if (key == null) {
                    throw ConfigException.unknownEnvironmentVariable(name, raw, ConfigKey.knownEnvNamesNear(name));
                }
                layers.set(key, raw, "environment " + name);
            }
        });
        new TreeMap<>(overrides == null ? Map.<String, String>of() : overrides).forEach((name, raw) -> {
            ConfigKey<?> key = ConfigKey.byName(name);
            if (key == null) {
                throw ConfigException.unknownKey(name, raw, ConfigKey.knownKeysNear(name), "command-line overrides");
            }
            layers.set(key, raw, key.flag() != null ? "flag " + key.flag() : "command-line override " + name);
        });
        layers.requireAtLeast(ConfigKey.MAX_PACKET_SIZE, ConfigKey.MAX_PAYLOAD);
        layers.requireAtLeast(ConfigKey.KEEPALIVE_MAX, ConfigKey.KEEPALIVE_MIN);
        layers.requireAtLeast(ConfigKey.QUIC_INITIAL_MAX_DATA, ConfigKey.QUIC_INITIAL_MAX_STREAM_DATA);
        checkTlsFiles(layers);
        return build(layers);
    }

    /** All known dotted keys in documentation order, for --help and docs. */
    public static List<String> keys() {
        return ConfigKey.ALL.stream().map(ConfigKey::name).toList();
    }

    /** The environment variable name of a dotted key: {@code limits.max-connections -> TERNMQ_LIMITS_MAX_CONNECTIONS}. */
    public static String envName(String key) {
        return ConfigKey.envName(key);
    }

    private static BrokerConfig build(Layers l) {
        ListenersConfig listeners = new ListenersConfig(l.get(ConfigKey.BIND), l.get(ConfigKey.TCP_PORT),
                l.get(ConfigKey.TLS_PORT), l.get(ConfigKey.QUIC_PORT), l.get(ConfigKey.HTTP_PORT),
                l.get(ConfigKey.IO_THREADS));
        LimitsConfig limits = new LimitsConfig(l.get(ConfigKey.MAX_CONNECTIONS), l.get(ConfigKey.MAX_PACKET_SIZE),
                l.get(ConfigKey.MAX_PAYLOAD), l.get(ConfigKey.MAX_TOPIC_LENGTH), l.get(ConfigKey.MAX_CLIENT_ID_LENGTH),
                l.get(ConfigKey.MAX_QUEUED_MESSAGES), l.get(ConfigKey.MAX_INFLIGHT), l.get(ConfigKey.CONNECT_TIMEOUT),
                l.get(ConfigKey.RECEIVE_MAXIMUM), l.get(ConfigKey.TOPIC_ALIAS_MAXIMUM),
                l.get(ConfigKey.MAX_SUBSCRIPTIONS), l.get(ConfigKey.MAX_SESSION_EXPIRY), l.get(ConfigKey.MAX_QUEUED_BYTES));
        PlatformConfig platform = new PlatformConfig(l.get(ConfigKey.WILL_MESSAGES), l.get(ConfigKey.RETAINED_MESSAGES),
                l.get(ConfigKey.DELIVERY_QOS), l.get(ConfigKey.KEEPALIVE_MIN), l.get(ConfigKey.KEEPALIVE_MAX),
                l.get(ConfigKey.MAX_USER_PROPERTIES), l.get(ConfigKey.MAX_USER_PROPERTY_LENGTH),
                l.get(ConfigKey.MAX_RESPONSE_TOPIC_LENGTH), l.get(ConfigKey.MAX_CORRELATION_DATA));
        return new BrokerConfig(listeners, l.get(ConfigKey.DATA_DIR), l.get(ConfigKey.ALLOW_ANONYMOUS), limits,
                platform, new LogConfig(l.get(ConfigKey.LOG_LEVEL), l.get(ConfigKey.LOG_TRACE),
                l.get(ConfigKey.LOG_TRACE_RING_SIZE), l.get(ConfigKey.LOG_REPEAT_INTERVAL)), tls(l), quic(l),
                new StorageConfig(l.get(ConfigKey.STORAGE_DURABILITY), l.get(ConfigKey.STORAGE_SYNC_INTERVAL),
                        l.get(ConfigKey.STORAGE_MAX_BYTES)),
                new ApiConfig(l.get(ConfigKey.HTTP_TLS), l.get(ConfigKey.API_TOKEN_FILE),
                        l.get(ConfigKey.API_METRICS_AUTH), l.get(ConfigKey.API_MAX_BODY),
                        l.get(ConfigKey.API_RRPC_MAX_PENDING), l.get(ConfigKey.API_MAX_IMPORT_BYTES)),
                new AuthConfig(l.get(ConfigKey.AUTH_PROVIDERS), l.get(ConfigKey.AUTH_PASSWORD_FILE),
                        l.get(ConfigKey.AUTH_ACL_FILE), l.get(ConfigKey.AUTH_X509_IDENTITY),
                        l.get(ConfigKey.AUTH_MAX_FAILURES), l.get(ConfigKey.AUTH_BLOCK_TIME),
                        l.get(ConfigKey.AUTH_THREADS), l.get(ConfigKey.AUTH_MAX_PENDING),
                        l.get(ConfigKey.AUTH_RELOAD_INTERVAL)));
    }

    private static QuicConfig quic(Layers l) {
        return new QuicConfig(l.get(ConfigKey.QUIC_MAX_CONNECTIONS), l.get(ConfigKey.QUIC_MAX_STREAMS),
                l.get(ConfigKey.QUIC_INITIAL_MAX_DATA), l.get(ConfigKey.QUIC_INITIAL_MAX_STREAM_DATA),
                l.get(ConfigKey.QUIC_HANDSHAKE_TIMEOUT), l.get(ConfigKey.QUIC_STATELESS_RETRY),
                l.get(ConfigKey.QUIC_EARLY_DATA), l.get(ConfigKey.QUIC_SESSION_LIFETIME), l.get(ConfigKey.QUIC_SOCKETS),
                l.get(ConfigKey.QUIC_MAX_ACK_DELAY));
    }

    private static TlsConfig tls(Layers l) {
        return new TlsConfig(l.get(ConfigKey.TLS_CERT_FILE), l.get(ConfigKey.TLS_KEY_FILE),
                l.get(ConfigKey.TLS_PKCS12_FILE), l.get(ConfigKey.TLS_PKCS12_PASSWORD), l.get(ConfigKey.TLS_CLIENT_AUTH),
                l.get(ConfigKey.TLS_CLIENT_CA_FILE), l.get(ConfigKey.TLS_PROTOCOLS), l.get(ConfigKey.TLS_CIPHERS),
                l.get(ConfigKey.TLS_ENGINE), l.get(ConfigKey.TLS_HANDSHAKE_TIMEOUT),
                l.get(ConfigKey.TLS_MAX_PENDING_HANDSHAKES), l.get(ConfigKey.TLS_RELOAD_INTERVAL));
    }

    /**
     * The TLS certificate comes as a PEM pair or as a PKCS#12 keystore, never half of one or both; client
     * authentication needs the CA bundle to verify against. Whether the files exist and fit together is checked
     * when the listener starts.
     */
    private static void checkTlsFiles(Layers l) {
        boolean cert = l.get(ConfigKey.TLS_CERT_FILE).isPresent();
        boolean key = l.get(ConfigKey.TLS_KEY_FILE).isPresent();
        if (cert && !key) {
            l.refuse(ConfigKey.TLS_KEY_FILE, "the path of the PEM private key of tls.cert-file = "
                    + l.described(ConfigKey.TLS_CERT_FILE));
        }
        if (key && !cert) {
            l.refuse(ConfigKey.TLS_CERT_FILE, "the path of the PEM certificate chain of tls.key-file = "
                    + l.described(ConfigKey.TLS_KEY_FILE));
        }
        if (cert && l.get(ConfigKey.TLS_PKCS12_FILE).isPresent()) {
            l.refuse(ConfigKey.TLS_PKCS12_FILE, "none while tls.cert-file = " + l.described(ConfigKey.TLS_CERT_FILE)
                    + " is set: give either PEM files or a PKCS#12 keystore");
        }
        if (l.get(ConfigKey.TLS_CLIENT_AUTH) != ClientAuth.NONE && l.get(ConfigKey.TLS_CLIENT_CA_FILE).isEmpty()) {
            l.refuse(ConfigKey.TLS_CLIENT_CA_FILE, "the path of a PEM file of CA certificates, because "
                    + "tls.client-auth = " + l.described(ConfigKey.TLS_CLIENT_AUTH) + " verifies client certificates");
        }
    }

    /** The winning value of each key so far, with the raw text and source needed to report it. */
    private static final class Layers {

        private record Setting(Object value, String raw, String source) {
        }

        private final Map<ConfigKey<?>, Setting> settings = new HashMap<>();

        void set(ConfigKey<?> key, String raw, String source) {
            String text = raw == null ? "" : raw;
            try {
                settings.put(key, new Setting(key.parse(text), text, source));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalidValue(key.name(), text, key.allowed(), source);
            }
        }

        @SuppressWarnings("unchecked") // set() stores only what key.parse returned, which is a T
        <T> T get(ConfigKey<T> key) {
            return (T) settings.get(key).value();
        }

        /** Throws the error for {@code key}'s winning value, with what would have been allowed. */
        void refuse(ConfigKey<?> key, String allowed) {
            Setting setting = settings.get(key);
            throw ConfigException.invalidValue(key.name(), setting.raw(), allowed, setting.source());
        }

        /** A key's winning value as the operator wrote it, with where it came from. */
        String described(ConfigKey<?> key) {
            Setting setting = settings.get(key);
            return ConfigException.quote(setting.raw()) + " from " + setting.source();
        }

        /** Cross-field check: {@code larger} must be at least {@code smaller}; the error names both. */
        void requireAtLeast(ConfigKey<Integer> larger, ConfigKey<Integer> smaller) {
            if (get(larger) < get(smaller)) {
                Setting big = settings.get(larger);
                Setting small = settings.get(smaller);
                throw ConfigException.invalidValue(larger.name(), big.raw(), "at least " + smaller.name() + " = "
                        + ConfigException.quote(small.raw()) + " from " + small.source(), big.source());
            }
        }
    }
}
