package io.ternmq.server;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigException;
import io.ternmq.config.ListenersConfig;
import io.ternmq.core.Broker;
import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.transport.tcp.NettyEventLoops;
import io.ternmq.transport.tcp.TcpListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
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
    private final Broker broker;
    private final NettyEventLoops loops;
    private final TcpListener tcp;
    private final InetSocketAddress tcpAddress;
    private boolean closed;

    private TernMq(BrokerConfig config, Broker broker, NettyEventLoops loops, TcpListener tcp,
                   InetSocketAddress tcpAddress) {
        this.config = config;
        this.broker = broker;
        this.loops = loops;
        this.tcp = tcp;
        this.tcpAddress = tcpAddress;
    }

    /**
     * Checks what only the launcher can check, starts the engine and every enabled listener, and logs
     * {@code ternmq ready}. Throws {@link ConfigException} for a configuration the broker cannot run.
     */
    public static TernMq start(BrokerConfig config) throws InterruptedException {
        ListenersConfig listeners = config.listeners();
        refuseUnbuiltListener("listeners.tls-port", listeners.tlsPort(), "TLS");
        refuseUnbuiltListener("listeners.quic-port", listeners.quicPort(), "QUIC");
        refuseUnbuiltListener("listeners.http-port", listeners.httpPort(), "HTTP API");
        if (listeners.tcpPort() == 0) {
            throw ConfigException.invalidValue("listeners.tcp-port", "0",
                    "1..65535 while it is the only listener in this build", "the merged configuration");
        }
        Authenticator authenticator = anonymousAccess(config);
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw ConfigException.invalidValue("data-dir", config.dataDir().toString(),
                    "a directory the broker can create and write (" + e.getMessage() + ")", "the merged configuration");
        }

        Broker broker = new Broker(config, authenticator, new InMemorySessionStore(config.limits().maxQueuedMessages()));
        NettyEventLoops loops = new NettyEventLoops(Runtime.getRuntime().availableProcessors());
        TcpListener tcp = new TcpListener(loops, broker.pipelineInstaller(), listeners.bind(), listeners.tcpPort());
        InetSocketAddress tcpAddress;
        try {
            tcpAddress = tcp.start();
        } catch (RuntimeException | InterruptedException e) {
            loops.close();
            shutdownQuietly(broker);
            throw e;
        }
        LOG.info("ternmq ready (version {}, data directory {})", Main.version(), config.dataDir().toAbsolutePath());
        return new TernMq(config, broker, loops, tcp, tcpAddress);
    }

    private static void refuseUnbuiltListener(String key, int port, String what) {
        if (port != 0) {
            throw ConfigException.invalidValue(key, Integer.toString(port),
                    "0: the " + what + " listener is not part of this build yet", "the merged configuration");
        }
    }

    /**
     * PLATFORM.md 1: anonymous clients only while every listener is on a loopback address, unless the operator
     * said allow-anonymous, which is then logged as a warning. No authentication provider exists yet, so every
     * accepted client is anonymous.
     */
    private static Authenticator anonymousAccess(BrokerConfig config) {
        String bind = config.listeners().bind();
        if (!isLoopback(bind)) {
            if (!config.allowAnonymous()) {
                throw ConfigException.invalidValue("listeners.bind", bind,
                        "a loopback address, or allow-anonymous: true (--allow-anonymous) to accept clients "
                                + "without credentials on a non-loopback address", "the merged configuration");
            }
            LOG.warn("anonymous clients are accepted on the non-loopback address {} (allow-anonymous is set)", bind);
        }
        return new AnonymousAuthenticator();
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

    public Broker broker() {
        return broker;
    }

    /** The bound MQTT over TCP address. */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
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
        LOG.info("ternmq shutting down: no new connections, draining {} sessions", broker.registry().size());
        tcp.close();
        shutdownQuietly(broker);
        loops.close();
        LOG.info("ternmq stopped");
    }

    private static void shutdownQuietly(Broker broker) {
        try {
            broker.shutdown(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
