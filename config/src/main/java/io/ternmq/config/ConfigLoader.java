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
                l.get(ConfigKey.TLS_PORT), l.get(ConfigKey.QUIC_PORT), l.get(ConfigKey.HTTP_PORT));
        LimitsConfig limits = new LimitsConfig(l.get(ConfigKey.MAX_CONNECTIONS), l.get(ConfigKey.MAX_PACKET_SIZE),
                l.get(ConfigKey.MAX_PAYLOAD), l.get(ConfigKey.MAX_TOPIC_LENGTH), l.get(ConfigKey.MAX_CLIENT_ID_LENGTH),
                l.get(ConfigKey.MAX_QUEUED_MESSAGES), l.get(ConfigKey.MAX_INFLIGHT), l.get(ConfigKey.CONNECT_TIMEOUT));
        PlatformConfig platform = new PlatformConfig(l.get(ConfigKey.WILL_MESSAGES), l.get(ConfigKey.RETAINED_MESSAGES),
                l.get(ConfigKey.DELIVERY_QOS), l.get(ConfigKey.KEEPALIVE_MIN), l.get(ConfigKey.KEEPALIVE_MAX));
        return new BrokerConfig(listeners, l.get(ConfigKey.DATA_DIR), l.get(ConfigKey.ALLOW_ANONYMOUS), limits,
                platform, new LogConfig(l.get(ConfigKey.LOG_LEVEL)));
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
