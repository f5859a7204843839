package io.ternmq.server;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigException;
import io.ternmq.config.ListenersConfig;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.protocol.SignIn;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.server.api.AdminApi;
import io.ternmq.server.api.BrokerMeters;
import io.ternmq.server.rrpc.Rrpc;
import io.ternmq.tls.ReloadableTlsContext;
import io.ternmq.transport.quic.QuicListener;
import io.ternmq.transport.tcp.NettyEventLoops;
import io.ternmq.transport.tcp.TcpListener;
import io.ternmq.transport.tcp.tls.TlsFront;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: the one place where the engine, the listeners and the config are wired together by hand.
 * Main starts it for the jar; tests start it through {@link Main#start} so they take the jar's code path.
 */
public final class TernMq implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TernMq.class);

    private final BrokerConfig config;
    private final Engine engine;
    private final NettyEventLoops loops;
    private final Listeners listeners;
    private final SessionStorage storage;
    private final Access access;
    private final Rrpc rrpc;
    private final DataDirectory dataDir;
    private final BrokerMeters meters;
    private boolean closed;

    /** The socket listeners that are on, with their bound addresses (null where a listener is off). */
    private record Listeners(TcpListener tcp, InetSocketAddress tcpAddress, TcpListener tls,
                             InetSocketAddress tlsAddress, ReloadableTlsContext tlsContext, TlsFront tlsFront,
                             QuicListener quic, InetSocketAddress quicAddress, AdminApi api,
                             InetSocketAddress apiAddress) {

        /** name to bound address, for the admin API's stats. */
        Map<String, String> bound() {
            Map<String, String> out = new LinkedHashMap<>();
            put(out, "tcp", tcpAddress);
            put(out, "tls", tlsAddress);
            put(out, "quic", quicAddress);
            put(out, "http", apiAddress);
            return out;
        }

        private static void put(Map<String, String> out, String name, InetSocketAddress address) {
            if (address != null) {
                out.put(name, address.getHostString() + ":" + address.getPort());
            }
        }

        /** Stops accepting MQTT; open connections stay (QUIC's sockets too, so they can still be drained). */
        void close() {
            if (quic != null) {
                quic.stopAccepting();
            }
            if (tcp != null) {
                tcp.close();
            }
            if (tls != null) {
                tls.close();
            }
            if (tlsContext != null) {
                tlsContext.close();
            }
        }
    }

    private TernMq(BrokerConfig config, Engine engine, NettyEventLoops loops, Listeners listeners,
                   SessionStorage storage, Access access, Rrpc rrpc, DataDirectory dataDir, BrokerMeters meters) {
        this.access = access;
        this.rrpc = rrpc;
        this.config = config;
        this.meters = meters;
        this.engine = engine;
        this.loops = loops;
        this.listeners = listeners;
        this.storage = storage;
        this.dataDir = dataDir;
    }

    /**
     * Checks what only the launcher can check, starts the engine and every enabled listener, and logs
     * {@code ternmq ready}. Throws {@link ConfigException} for a configuration the broker cannot run.
     */
    public static TernMq start(BrokerConfig config) throws InterruptedException {
        return start(config, null);
    }

    /**
     * As {@link #start(BrokerConfig)}, with the authenticator given instead of the configured providers (tests that
     * watch what it is asked); null: the providers of {@code auth.providers}.
     */
    static TernMq start(BrokerConfig config, Authenticator authenticator) throws InterruptedException {
        ListenersConfig ports = config.listeners();
        checkListeners(ports);
        boolean anonymousAllowed = anonymousAllowed(config);
        if (ports.quicPort() != 0) {
            QuicListener.requireAvailable();
        }
        DataDirectory dataDir = DataDirectory.lock(config.dataDir());
        SessionStorage storage;
        ReloadableTlsContext tlsContext;
        Access access;
        try {
            storage = SessionStorage.open(config);
        } catch (RuntimeException e) {
            dataDir.close();
            throw e;
        }
        try {
            access = Access.open(config, storage.rocks(), anonymousAllowed);
        } catch (RuntimeException e) {
            storage.close();
            dataDir.close();
            throw e;
        }
        try {
            // Certificates are checked (or generated) before any port opens; QUIC serves the TLS certificate.
            boolean httpsOn = ports.httpPort() != 0 && config.api().httpTls();
            tlsContext = ports.tlsPort() == 0 && ports.quicPort() == 0 && !httpsOn ? null
                    : ReloadableTlsContext.open(config.tls(), config.dataDir());
        } catch (RuntimeException e) {
            access.close();
            storage.close();
            dataDir.close();
            throw e;
        }

        NettyEventLoops loops = new NettyEventLoops(config.listeners().ioThreadCount());
        BrokerMeters meters = new BrokerMeters();
        // The PUBACK latency timer is the one meter written per message: only while someone can read it.
        SignIn signIn = authenticator == null ? access.signIn
                : new SignIn(authenticator, access.signIn.executor(), access.signIn.slowExecutor(), access.presence);
        Engine engine = new Engine(config, signIn, storage.sessions(), loops.workers(),
                ports.httpPort() != 0 ? meters.pubAckLatency() : BrokerMetrics.Latency.NONE);
        Rrpc rrpc = new Rrpc(engine.router, access.presence, config.api().rrpcMaxPending());
        engine.router.interceptor(rrpc); // RRPC responses are the waiting call's, not the subscribers'
        meters.bindEngine(engine.metrics, engine.registry, engine.trie);
        meters.bindAccess(access.presence, access::waiting, access.recordsDropped, rrpc);
        meters.bindRuntime(loops.workers());
        if (storage.durable() != null) {
            meters.bindStore(storage.durable());
        }
        TcpListener tcp = null;
        TcpListener tls = null;
        TlsFront tlsFront = null;
        QuicListener quic = null;
        AdminApi api = null;
        try {
            InetSocketAddress apiAddress = null;
            if (ports.httpPort() != 0) {
                // First, so /health answers 503 while the rest starts.
                api = AdminApi.create(config, loops, config.api().httpTls() ? tlsContext : null, meters,
                        engine.registry, engine.trie, engine.router, engine.policy, engine.trace, engine.metrics,
                        new AdminApi.Devices(access.registry, access.presence, rrpc), Main.version());
                AdminApi binding = api;
                apiAddress = bind("admin API", "listeners.http-port", ports.bind(), ports.httpPort(),
                        () -> binding.bind(ports.bind(), ports.httpPort()));
            }
            int restored = engine.registry.restore();
            if (restored > 0) {
                LOG.info("{} persistent sessions restored, subscribed again and queueing for their clients",
                        restored);
            }
            InetSocketAddress tcpAddress = null;
            InetSocketAddress tlsAddress = null;
            if (ports.tcpPort() != 0) {
                tcp = new TcpListener(loops, engine.installer, ports.bind(), ports.tcpPort());
                tcpAddress = bind("MQTT over TCP", "listeners.tcp-port", ports.bind(), ports.tcpPort(), tcp::bind);
            }
            if (ports.tlsPort() != 0) {
                tlsFront = new TlsFront(tlsContext);
                tls = new TcpListener(loops, engine.installer, ports.bind(), ports.tlsPort(), tlsFront);
                meters.bindTls(tlsFront);
                tlsAddress = bind("MQTT over TLS", "listeners.tls-port", ports.bind(), ports.tlsPort(), tls::bind);
            }
            InetSocketAddress quicAddress = null;
            if (ports.quicPort() != 0) {
                // The MQTT keepalive watchdog closes silent connections; QUIC's own idle timeout only has to outlast
                // the longest silence allowed.
                Duration idle = Duration.ofMillis(engine.policy.longestSilenceAllowedMillis());
                quic = new QuicListener(config.quic(), idle, tlsContext, engine.installer,
                        // the client id as sessions are kept (a Link SDK id without its |...| suffix)
                        clientId -> engine.registry.get(signIn.authenticator().sessionClientId(clientId)) == null,
                        loops.workers(), ports.bind(), ports.quicPort());
                meters.bindQuic(quic.stats());
                quicAddress = bind("MQTT over QUIC", "listeners.quic-port", ports.bind(), ports.quicPort(),
                        quic::bind);
            }
            // Announced only once all are bound: a failed start leaves no listener open or logged as listening.
            for (TcpListener listener : new TcpListener[] {tcp, tls}) {
                if (listener != null) {
                    listener.announce();
                }
            }
            if (quic != null) {
                quic.announce();
            }
            Listeners listeners = new Listeners(tcp, tcpAddress, tls, tlsAddress, tlsContext, tlsFront, quic,
                    quicAddress, api, apiAddress);
            if (api != null) {
                api.announce();
                api.listeners(listeners::bound);
                api.state(AdminApi.State.READY);
            }
            if (!anonymousAllowed && config.auth().uses("anonymous")) {
                explainSignIn(config, apiAddress);
            }
            LOG.info("ternmq ready (version {}, data directory {})", Main.version(),
                    config.dataDir().toAbsolutePath().normalize());
            return new TernMq(config, engine, loops, listeners, storage, access, rrpc, dataDir, meters);
        } catch (RuntimeException | InterruptedException e) {
            new Listeners(tcp, null, tls, null, tlsContext, tlsFront, quic, null, api, null).close();
            if (quic != null) {
                quic.close();
            }
            if (api != null) {
                api.close();
            }
            meters.close();
            rrpc.close();
            engine.drain(); // before the loops stop: its sessions live on them
            loops.close();
            access.close();
            storage.close();
            dataDir.close();
            throw e;
        }
    }

    /** A broker that refuses anonymous clients (a container's, say) says at start how to let somebody in. */
    private static void explainSignIn(BrokerConfig config, InetSocketAddress api) {
        String token = config.api().tokenFile().orElse(config.dataDir().resolve("admin-token")).toAbsolutePath()
                .normalize().toString();
        LOG.info("anonymous clients are refused: a listener is on {}. To let a device in, create it with the admin "
                        + "API ({}; the token is in {}): curl -H \"Authorization: Bearer $(cat {})\" -d "
                        + "'{\"deviceName\": \"lamp-0001\"}' http://HOST:{}/api/v1/products/PRODUCT/devices; "
                        + "users: 'ternmq passwd FILE USER' with auth.providers password-file; for a lab only, "
                        + "allow-anonymous: true (TERNMQ_ALLOW_ANONYMOUS=true)",
                config.listeners().bind(), api == null ? "off: listeners.http-port is 0" : "port " + api.getPort(),
                token, token, api == null ? "18083" : api.getPort());
    }

    /** How a listener binds; Netty's bind failure is a checked exception it does not declare. */
    private interface Binding {
        InetSocketAddress bind() throws Exception;
    }

    private static InetSocketAddress bind(String listener, String key, String host, int port, Binding binding)
            throws InterruptedException {
        try {
            return binding.bind();
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (java.net.BindException e) {
            throw new ListenerBindException(listener, key, host, port, e);
        } catch (Exception e) {
            // Netty's native transport reports a refused bind(2) as an IOException of its own.
            if (e instanceof java.io.IOException && String.valueOf(e.getMessage()).startsWith("bind(")) {
                throw new ListenerBindException(listener, key, host, port, e);
            }
            throw new IllegalStateException(listener + " could not start on " + host + ":" + port, e);
        }
    }

    private static void checkListeners(ListenersConfig listeners) {
        if (listeners.tcpPort() == 0 && listeners.tlsPort() == 0 && listeners.quicPort() == 0) {
            throw ConfigException.invalidValue("listeners.tcp-port", "0",
                    "1..65535 while listeners.tls-port and listeners.quic-port are 0 too: at least one listener "
                            + "must be on",
                    "the merged configuration");
        }
    }

    /**
     * PLATFORM.md 1: anonymous clients only while every listener is on a loopback address, unless the operator
     * said allow-anonymous, which is then logged as a warning. A non-loopback bind with no provider but
     * {@code anonymous} refuses to start without it; with other providers it starts and anonymous clients are
     * refused.
     */
    private static boolean anonymousAllowed(BrokerConfig config) {
        String bind = config.listeners().bind();
        if (isLoopback(bind)) {
            return true;
        }
        if (config.allowAnonymous()) {
            if (config.auth().uses("anonymous")) {
                LOG.warn("anonymous clients are accepted on the non-loopback address {} (allow-anonymous is set)",
                        bind);
            }
            return true;
        }
        if (config.auth().providers().stream().allMatch("anonymous"::equals)) {
            throw ConfigException.invalidValue("listeners.bind", bind,
                    "a loopback address, or allow-anonymous: true (--allow-anonymous) to accept clients "
                            + "without credentials on a non-loopback address, or an authentication provider in "
                            + "auth.providers", "the merged configuration");
        }
        return false;
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw ConfigException.invalidValue("listeners.bind", host, "an address of this machine",
                    "the merged configuration");
        }
    }

    public BrokerConfig config() {
        return config;
    }

    /** The engine's parts, for tests in this package. */
    Engine engine() {
        return engine;
    }

    /** The bound MQTT over TCP address, or null when that listener is off. */
    public InetSocketAddress tcpAddress() {
        return listeners.tcpAddress();
    }

    /** The bound MQTT over TLS address, or null when that listener is off. */
    public InetSocketAddress tlsAddress() {
        return listeners.tlsAddress();
    }

    /** The admin API, or null when it is off. */
    AdminApi adminApi() {
        return listeners.api();
    }

    /** The admin API's operations ("GET /health", ...), empty when it is off. */
    List<String> apiRoutes() {
        return listeners.api() == null ? List.of() : listeners.api().routeTable();
    }

    /** The bound admin API address, or null when that listener is off. */
    public InetSocketAddress httpAddress() {
        return listeners.apiAddress();
    }

    /** The bound MQTT over QUIC (UDP) address, or null when that listener is off. */
    public InetSocketAddress quicAddress() {
        return listeners.quicAddress();
    }

    /** The QUIC listener (its counters), or null when it is off. */
    public QuicListener quic() {
        return listeners.quic();
    }

    /** The TLS (and QUIC) certificate and context, or null when both of those listeners are off. */
    public ReloadableTlsContext tls() {
        return listeners.tlsContext();
    }

    /** TLS connections in their handshake right now (bounded by tls.max-pending-handshakes); 0 with TLS off. */
    public int tlsPendingHandshakes() {
        return listeners.tlsFront() == null ? 0 : listeners.tlsFront().pendingHandshakes();
    }

    /**
     * Re-reads the TLS certificate files now (SIGHUP); new connections get the new certificate, open ones keep
     * theirs. False when TLS is off or the files do not load (the certificate in use stays, and the log says why).
     */
    public boolean reloadTls(String reason) {
        ReloadableTlsContext tls = listeners.tlsContext();
        if (tls == null) {
            LOG.info("{}: the TLS listener is off, no certificate to reload", reason);
            return false;
        }
        return tls.reload(reason);
    }

    /**
     * Graceful stop: stop accepting, let every session write what it owes and close its connection, then stop
     * the threads. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("ternmq shutting down: no new connections, draining {} sessions", engine.registry.size());
        if (listeners.api() != null) {
            listeners.api().state(AdminApi.State.DRAINING);
        }
        listeners.close();
        rrpc.close(); // waiting calls are answered UNKNOWN before the API closes
        engine.drain();
        if (listeners.quic() != null) {
            listeners.quic().close();
        }
        if (listeners.api() != null) {
            listeners.api().close();
        }
        meters.close();
        loops.close();
        access.close();
        storage.close(); // after the loops: their last passes are written and synced
        dataDir.close();
        LOG.info("ternmq stopped");
    }

}
