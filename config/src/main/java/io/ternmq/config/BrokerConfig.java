package io.ternmq.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The whole broker configuration: an immutable record tree, built and validated once at start-up by
 * {@link ConfigLoader} and passed down by constructor injection.
 *
 * @param listeners      addresses and ports the broker listens on
 * @param dataDir        directory for sessions, device registry, certificates and the admin token
 * @param allowAnonymous whether clients without credentials may connect on a non-loopback bind
 * @param limits         bounds on everything a client controls
 * @param platform       the platform profile rules (wills, retained messages, delivered QoS, keepalive range)
 * @param log            logging settings
 * @param tls            the MQTT over TLS listener's certificate, protocols and client authentication
 * @param quic           the MQTT over QUIC listener's limits, flow control, address validation and 0-RTT
 * @param storage        where and how persistent sessions are kept
 * @param api            the HTTP admin API: HTTPS, its token, request bounds
 * @param auth           authentication providers, the ACL file, the sign-in bounds
 */
public record BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous,
                           LimitsConfig limits, PlatformConfig platform, LogConfig log, TlsConfig tls,
                           QuicConfig quic, StorageConfig storage, ApiConfig api, AuthConfig auth) {

    public BrokerConfig {
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(quic, "quic");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(auth, "auth");
    }

    /** A configuration built by hand (tests) with the default authentication settings. */
    public BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous, LimitsConfig limits,
                        PlatformConfig platform, LogConfig log, TlsConfig tls, QuicConfig quic,
                        StorageConfig storage, ApiConfig api) {
        this(listeners, dataDir, allowAnonymous, limits, platform, log, tls, quic, storage, api, defaults().auth());
    }

    /** A configuration built by hand (tests) with the default API settings. */
    public BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous, LimitsConfig limits,
                        PlatformConfig platform, LogConfig log, TlsConfig tls, QuicConfig quic,
                        StorageConfig storage) {
        this(listeners, dataDir, allowAnonymous, limits, platform, log, tls, quic, storage, defaults().api());
    }

    /** A configuration built by hand (tests) with the default storage settings. */
    public BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous, LimitsConfig limits,
                        PlatformConfig platform, LogConfig log, TlsConfig tls, QuicConfig quic) {
        this(listeners, dataDir, allowAnonymous, limits, platform, log, tls, quic, defaults().storage());
    }

    /** A configuration built by hand (tests) with the default QUIC settings. */
    public BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous, LimitsConfig limits,
                        PlatformConfig platform, LogConfig log, TlsConfig tls) {
        this(listeners, dataDir, allowAnonymous, limits, platform, log, tls, defaults().quic(), defaults().storage());
    }

    /** A configuration built by hand (tests) with the default TLS and QUIC settings. */
    public BrokerConfig(ListenersConfig listeners, Path dataDir, boolean allowAnonymous, LimitsConfig limits,
                        PlatformConfig platform, LogConfig log) {
        this(listeners, dataDir, allowAnonymous, limits, platform, log, defaults().tls(), defaults().quic(),
                defaults().storage());
    }

    /** The embedded defaults: what the broker runs with when given no file, no environment and no flags. */
    public static BrokerConfig defaults() {
        return ConfigLoader.load(null, Map.of(), Map.of());
    }
}
