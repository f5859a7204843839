package io.ternmq.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One setting: its dotted name, embedded default, value type and command-line flag. The constants below are the
 * whole key table, in documentation order; everything else (YAML sections, environment names, --help, docs)
 * derives from it.
 */
final class ConfigKey<T> {

    static final ConfigKey<String> BIND =
            new ConfigKey<>("listeners.bind", "127.0.0.1", "--bind", ValueType.bindAddress());
    static final ConfigKey<Integer> TCP_PORT =
            new ConfigKey<>("listeners.tcp-port", "1883", "--tcp-port", ValueType.port());
    static final ConfigKey<Integer> TLS_PORT =
            new ConfigKey<>("listeners.tls-port", "8883", "--tls-port", ValueType.port());
    static final ConfigKey<Integer> QUIC_PORT =
            new ConfigKey<>("listeners.quic-port", "14567", "--quic-port", ValueType.port());
    static final ConfigKey<Integer> HTTP_PORT =
            new ConfigKey<>("listeners.http-port", "18083", "--http-port", ValueType.port());
    static final ConfigKey<Boolean> HTTP_TLS =
            new ConfigKey<>("listeners.http-tls", "false", null, ValueType.bool());
    static final ConfigKey<Integer> IO_THREADS =
            new ConfigKey<>("listeners.io-threads", "0", null, ValueType.integer(0, 256));
    static final ConfigKey<Path> DATA_DIR =
            new ConfigKey<>("data-dir", "./data", "--data-dir", ValueType.path());
    static final ConfigKey<Boolean> ALLOW_ANONYMOUS =
            new ConfigKey<>("allow-anonymous", "false", "--allow-anonymous", ValueType.bool());

    static final ConfigKey<Integer> MAX_CONNECTIONS =
            new ConfigKey<>("limits.max-connections", "100000", null, ValueType.integer(1, 10_000_000));
    static final ConfigKey<Integer> MAX_PACKET_SIZE =
            new ConfigKey<>("limits.max-packet-size", "260KiB", null, ValueType.size(64, 268_435_455));
    static final ConfigKey<Integer> MAX_PAYLOAD =
            new ConfigKey<>("limits.max-payload", "256KiB", null, ValueType.size(0, 268_435_455));
    static final ConfigKey<Integer> MAX_TOPIC_LENGTH =
            new ConfigKey<>("limits.max-topic-length", "128", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_CLIENT_ID_LENGTH =
            new ConfigKey<>("limits.max-client-id-length", "128", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_QUEUED_MESSAGES =
            new ConfigKey<>("limits.max-queued-messages", "10000", null, ValueType.integer(1, 10_000_000));
    static final ConfigKey<Long> MAX_QUEUED_BYTES = new ConfigKey<>("limits.max-queued-bytes", "16MiB", null,
            ValueType.largeSize(1024, 1L << 40));
    static final ConfigKey<Integer> MAX_INFLIGHT =
            new ConfigKey<>("limits.max-inflight", "32", null, ValueType.integer(1, 65535));
    static final ConfigKey<Duration> CONNECT_TIMEOUT = new ConfigKey<>("limits.connect-timeout", "10s", null,
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)));
    static final ConfigKey<Integer> RECEIVE_MAXIMUM =
            new ConfigKey<>("limits.receive-maximum", "32", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_SUBSCRIPTIONS =
            new ConfigKey<>("limits.max-subscriptions-per-session", "1000", null, ValueType.integer(1, 10_000_000));
    static final ConfigKey<Integer> MAX_SESSION_EXPIRY =
            new ConfigKey<>("limits.max-session-expiry", "604800", null, ValueType.integer(1, Integer.MAX_VALUE));
    static final ConfigKey<Integer> TOPIC_ALIAS_MAXIMUM =
            new ConfigKey<>("limits.topic-alias-maximum", "16", null, ValueType.integer(0, 65535));

    static final ConfigKey<WillPolicy> WILL_MESSAGES = new ConfigKey<>("platform.will-messages", "refuse", null,
            ValueType.enumeration(WillPolicy.class));
    static final ConfigKey<RetainPolicy> RETAINED_MESSAGES = new ConfigKey<>("platform.retained-messages",
            "refuse", null, ValueType.enumeration(RetainPolicy.class));
    static final ConfigKey<DeliveryQos> DELIVERY_QOS = new ConfigKey<>("platform.delivery-qos", "publisher", null,
            ValueType.enumeration(DeliveryQos.class));
    static final ConfigKey<Integer> KEEPALIVE_MIN =
            new ConfigKey<>("platform.keepalive-min", "30", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> KEEPALIVE_MAX =
            new ConfigKey<>("platform.keepalive-max", "1200", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_USER_PROPERTIES =
            new ConfigKey<>("platform.max-user-properties", "20", null, ValueType.integer(0, 65535));
    static final ConfigKey<Integer> MAX_USER_PROPERTY_LENGTH =
            new ConfigKey<>("platform.max-user-property-length", "128", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_RESPONSE_TOPIC_LENGTH =
            new ConfigKey<>("platform.max-response-topic-length", "128", null, ValueType.integer(1, 65535));
    static final ConfigKey<Integer> MAX_CORRELATION_DATA =
            new ConfigKey<>("platform.max-correlation-data", "128", null, ValueType.integer(0, 65535));

    static final ConfigKey<Optional<Path>> TLS_CERT_FILE = new ConfigKey<>("tls.cert-file", "none", null,
            ValueType.optionalFile("a PEM certificate chain file"));
    static final ConfigKey<Optional<Path>> TLS_KEY_FILE = new ConfigKey<>("tls.key-file", "none", null,
            ValueType.optionalFile("a PEM private key file"));
    static final ConfigKey<Optional<Path>> TLS_PKCS12_FILE = new ConfigKey<>("tls.pkcs12-file", "none", null,
            ValueType.optionalFile("a PKCS#12 keystore file"));
    static final ConfigKey<String> TLS_PKCS12_PASSWORD =
            new ConfigKey<>("tls.pkcs12-password", "", null, ValueType.secret());
    static final ConfigKey<ClientAuth> TLS_CLIENT_AUTH = new ConfigKey<>("tls.client-auth", "none", null,
            ValueType.enumeration(ClientAuth.class));
    static final ConfigKey<Optional<Path>> TLS_CLIENT_CA_FILE = new ConfigKey<>("tls.client-ca-file", "none", null,
            ValueType.optionalFile("a PEM file of CA certificates"));
    static final ConfigKey<List<String>> TLS_PROTOCOLS =
            new ConfigKey<>("tls.protocols", "TLSv1.3,TLSv1.2", null, ValueType.tlsProtocols());
    static final ConfigKey<List<String>> TLS_CIPHERS =
            new ConfigKey<>("tls.ciphers", "default", null, ValueType.cipherSuites());
    static final ConfigKey<TlsEngine> TLS_ENGINE = new ConfigKey<>("tls.engine", "auto", null,
            ValueType.enumeration(TlsEngine.class));
    static final ConfigKey<Duration> TLS_HANDSHAKE_TIMEOUT = new ConfigKey<>("tls.handshake-timeout", "10s", null,
            ValueType.duration(Duration.ofMillis(100), Duration.ofMinutes(10)));
    static final ConfigKey<Integer> TLS_MAX_PENDING_HANDSHAKES =
            new ConfigKey<>("tls.max-pending-handshakes", "1000", null, ValueType.integer(1, 1_000_000));
    static final ConfigKey<Duration> TLS_RELOAD_INTERVAL = new ConfigKey<>("tls.reload-interval", "10s", null,
            ValueType.duration(Duration.ZERO, Duration.ofHours(1)));

    static final ConfigKey<Integer> QUIC_MAX_CONNECTIONS =
            new ConfigKey<>("quic.max-connections", "100000", null, ValueType.integer(1, 10_000_000));
    static final ConfigKey<Integer> QUIC_MAX_STREAMS =
            new ConfigKey<>("quic.max-streams", "10", null, ValueType.integer(1, 100));
    static final ConfigKey<Integer> QUIC_INITIAL_MAX_DATA =
            new ConfigKey<>("quic.initial-max-data", "1MiB", null, ValueType.size(1200, 268_435_455));
    static final ConfigKey<Integer> QUIC_INITIAL_MAX_STREAM_DATA =
            new ConfigKey<>("quic.initial-max-stream-data", "512KiB", null, ValueType.size(1200, 268_435_455));
    static final ConfigKey<Duration> QUIC_HANDSHAKE_TIMEOUT = new ConfigKey<>("quic.handshake-timeout", "10s", null,
            ValueType.duration(Duration.ofMillis(100), Duration.ofMinutes(10)));
    static final ConfigKey<Boolean> QUIC_STATELESS_RETRY =
            new ConfigKey<>("quic.stateless-retry", "true", null, ValueType.bool());
    static final ConfigKey<EarlyData> QUIC_EARLY_DATA =
            new ConfigKey<>("quic.early-data", "connect-only", null, ValueType.earlyData());
    static final ConfigKey<Duration> QUIC_SESSION_LIFETIME = new ConfigKey<>("quic.session-lifetime", "120m", null,
            ValueType.duration(Duration.ofMinutes(1), Duration.ofDays(7)));
    static final ConfigKey<Integer> QUIC_SOCKETS =
            new ConfigKey<>("quic.sockets", "0", null, ValueType.integer(0, 64));
    /** QUIC's max_ack_delay transport parameter: at most 2^14 - 1 ms (RFC 9000, 18.2). */
    static final ConfigKey<Duration> QUIC_MAX_ACK_DELAY = new ConfigKey<>("quic.max-ack-delay", "5ms", null,
            ValueType.duration(Duration.ofMillis(1), Duration.ofMillis(16_383)));

    static final ConfigKey<Durability> STORAGE_DURABILITY = new ConfigKey<>("storage.durability", "sync", null,
            ValueType.enumeration(Durability.class));
    static final ConfigKey<Duration> STORAGE_SYNC_INTERVAL = new ConfigKey<>("storage.sync-interval", "100ms", null,
            ValueType.duration(Duration.ofMillis(1), Duration.ofSeconds(60)));
    static final ConfigKey<Long> STORAGE_MAX_BYTES = new ConfigKey<>("storage.max-bytes", "1GiB", null,
            ValueType.largeSize(1024 * 1024, 1L << 50));

    static final ConfigKey<Optional<Path>> API_TOKEN_FILE = new ConfigKey<>("api.token-file", "none", null,
            ValueType.optionalFile("a file holding the admin token"));
    static final ConfigKey<Boolean> API_METRICS_AUTH =
            new ConfigKey<>("api.metrics-auth", "false", null, ValueType.bool());
    static final ConfigKey<Integer> API_MAX_BODY =
            new ConfigKey<>("api.max-body-bytes", "64KiB", null, ValueType.size(1024, 16 * 1024 * 1024));

    static final ConfigKey<Integer> API_RRPC_MAX_PENDING =
            new ConfigKey<>("api.rrpc-max-pending", "10000", null, ValueType.integer(1, 1_000_000));
    static final ConfigKey<Integer> API_MAX_IMPORT_BYTES =
            new ConfigKey<>("api.max-import-bytes", "32MiB", null, ValueType.size(1024, 256 * 1024 * 1024));

    static final ConfigKey<List<String>> AUTH_PROVIDERS = new ConfigKey<>("auth.providers", "device,anonymous", null,
            ValueType.wordList("device", "password-file", "x509", "anonymous"));
    static final ConfigKey<Optional<Path>> AUTH_PASSWORD_FILE = new ConfigKey<>("auth.password-file", "none", null,
            ValueType.optionalFile("a Mosquitto-format password file"));
    static final ConfigKey<Optional<Path>> AUTH_ACL_FILE = new ConfigKey<>("auth.acl-file", "none", null,
            ValueType.optionalFile("a Mosquitto-format ACL file"));
    static final ConfigKey<String> AUTH_X509_IDENTITY = new ConfigKey<>("auth.x509-identity", "cn", null,
            ValueType.word("cn", "san-dns", "san-uri", "san-email"));
    static final ConfigKey<Integer> AUTH_MAX_FAILURES =
            new ConfigKey<>("auth.max-failures-per-minute", "30", null, ValueType.integer(0, 1_000_000));
    static final ConfigKey<Duration> AUTH_BLOCK_TIME = new ConfigKey<>("auth.block-time", "5m", null,
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(1)));
    static final ConfigKey<Integer> AUTH_THREADS =
            new ConfigKey<>("auth.threads", "0", null, ValueType.integer(0, 256));
    static final ConfigKey<Integer> AUTH_MAX_PENDING =
            new ConfigKey<>("auth.max-pending", "10000", null, ValueType.integer(1, 1_000_000));
    static final ConfigKey<Duration> AUTH_RELOAD_INTERVAL = new ConfigKey<>("auth.reload-interval", "2s", null,
            ValueType.duration(Duration.ZERO, Duration.ofHours(1)));

    static final ConfigKey<String> LOG_LEVEL = new ConfigKey<>("log.level", "info", null,
            ValueType.word("trace", "debug", "info", "warn", "error"));
    static final ConfigKey<Boolean> LOG_TRACE =
            new ConfigKey<>("log.trace", "false", null, ValueType.bool());
    static final ConfigKey<Integer> LOG_TRACE_RING_SIZE =
            new ConfigKey<>("log.trace-ring-size", "1000", null, ValueType.integer(0, 1_000_000));

    static final ConfigKey<Duration> LOG_REPEAT_INTERVAL = new ConfigKey<>("log.repeat-interval", "10s", null,
            ValueType.duration(Duration.ZERO, Duration.ofHours(1)));

    static final List<ConfigKey<?>> ALL = List.of(BIND, TCP_PORT, TLS_PORT, QUIC_PORT, HTTP_PORT, HTTP_TLS, IO_THREADS,
            DATA_DIR,
            ALLOW_ANONYMOUS, MAX_CONNECTIONS, MAX_PACKET_SIZE, MAX_PAYLOAD, MAX_TOPIC_LENGTH, MAX_CLIENT_ID_LENGTH,
            MAX_QUEUED_MESSAGES, MAX_QUEUED_BYTES, MAX_INFLIGHT, CONNECT_TIMEOUT, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM,
            MAX_SUBSCRIPTIONS, MAX_SESSION_EXPIRY, WILL_MESSAGES, RETAINED_MESSAGES, DELIVERY_QOS,
            KEEPALIVE_MIN, KEEPALIVE_MAX, MAX_USER_PROPERTIES, MAX_USER_PROPERTY_LENGTH,
            MAX_RESPONSE_TOPIC_LENGTH, MAX_CORRELATION_DATA,
            TLS_CERT_FILE, TLS_KEY_FILE, TLS_PKCS12_FILE, TLS_PKCS12_PASSWORD, TLS_CLIENT_AUTH, TLS_CLIENT_CA_FILE,
            TLS_PROTOCOLS, TLS_CIPHERS, TLS_ENGINE, TLS_HANDSHAKE_TIMEOUT, TLS_MAX_PENDING_HANDSHAKES,
            TLS_RELOAD_INTERVAL, QUIC_MAX_CONNECTIONS, QUIC_MAX_STREAMS, QUIC_INITIAL_MAX_DATA,
            QUIC_INITIAL_MAX_STREAM_DATA, QUIC_HANDSHAKE_TIMEOUT, QUIC_STATELESS_RETRY, QUIC_EARLY_DATA,
            QUIC_SESSION_LIFETIME, QUIC_SOCKETS, QUIC_MAX_ACK_DELAY, STORAGE_DURABILITY, STORAGE_SYNC_INTERVAL,
            STORAGE_MAX_BYTES,
            API_TOKEN_FILE, API_METRICS_AUTH, API_MAX_BODY, API_RRPC_MAX_PENDING, API_MAX_IMPORT_BYTES,
            AUTH_PROVIDERS, AUTH_PASSWORD_FILE, AUTH_ACL_FILE, AUTH_X509_IDENTITY, AUTH_MAX_FAILURES, AUTH_BLOCK_TIME,
            AUTH_THREADS, AUTH_MAX_PENDING, AUTH_RELOAD_INTERVAL, LOG_LEVEL, LOG_TRACE, LOG_TRACE_RING_SIZE,
            LOG_REPEAT_INTERVAL);

    private static final Map<String, ConfigKey<?>> BY_NAME = index(ALL, ConfigKey::name);
    private static final Map<String, ConfigKey<?>> BY_ENV = index(ALL, ConfigKey::envName);

    private final String name;
    private final String defaultValue;
    private final String flag;
    private final ValueType<T> type;

    private ConfigKey(String name, String defaultValue, String flag, ValueType<T> type) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.flag = flag;
        this.type = type;
    }

    /** Dotted name, e.g. {@code limits.max-connections}. */
    String name() {
        return name;
    }

    /** The YAML section holding this key, or "" for a top-level key. */
    String section() {
        int dot = name.indexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** The key's name inside its section, e.g. {@code max-connections}. */
    String leaf() {
        return name.substring(name.indexOf('.') + 1);
    }

    String defaultValue() {
        return defaultValue;
    }

    /** The dedicated command-line flag, or null if the key has none. */
    String flag() {
        return flag;
    }

    String allowed() {
        return type.allowed();
    }

    String envName() {
        return envName(name);
    }

    /** Parses a raw value; throws {@link IllegalArgumentException} if it is not allowed. */
    T parse(String raw) {
        return type.parse(raw);
    }

    static String envName(String dottedKey) {
        return "TERNMQ_" + dottedKey.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static ConfigKey<?> byName(String name) {
        return BY_NAME.get(name);
    }

    static ConfigKey<?> byEnvName(String envName) {
        return BY_ENV.get(envName);
    }

    static boolean isSection(String name) {
        return !name.isEmpty() && ALL.stream().anyMatch(k -> k.section().equals(name));
    }

    /** The names a YAML mapping may hold at the top of the file: sections and top-level keys. */
    static List<String> topLevelNames() {
        return ALL.stream().map(k -> k.section().isEmpty() ? k.name() : k.section()).distinct().toList();
    }

    static List<ConfigKey<?>> inSection(String section) {
        return ALL.stream().filter(k -> k.section().equals(section)).toList();
    }

    /** The operator's hint after an unknown dotted key: the keys of its section if that exists, else all keys. */
    static String knownKeysNear(String dottedKey) {
        int dot = dottedKey.indexOf('.');
        String section = dot < 0 ? "" : dottedKey.substring(0, dot);
        if (isSection(section)) {
            return "known keys under " + section + ": " + join(inSection(section), ConfigKey::leaf);
        }
        return "known keys: " + join(ALL, ConfigKey::name);
    }

    /** The operator's hint after an unknown TERNMQ_ variable: the variables of its section if one matches. */
    static String knownEnvNamesNear(String envName) {
        for (String section : topLevelNames()) {
            if (isSection(section) && envName.startsWith(envName(section) + "_")) {
                return "known variables under " + section + ": " + join(inSection(section), ConfigKey::envName);
            }
        }
        return "known variables: " + join(ALL, ConfigKey::envName);
    }

    private static String join(List<ConfigKey<?>> keys, Function<ConfigKey<?>, String> part) {
        return keys.stream().map(part).collect(Collectors.joining(", "));
    }

    private static Map<String, ConfigKey<?>> index(List<ConfigKey<?>> keys,
                                                   Function<ConfigKey<?>, String> by) {
        Map<String, ConfigKey<?>> map = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            if (map.put(by.apply(key), key) != null) {
                throw new IllegalStateException("duplicate configuration key " + by.apply(key));
            }
        }
        return Map.copyOf(map);
    }

    @Override
    public String toString() {
        return name;
    }
}
