package io.ternmq.core;

import io.netty.util.concurrent.EventExecutorGroup;
import io.ternmq.config.BrokerConfig;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.protocol.Disconnector;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionOwner;
import io.ternmq.core.session.SessionOwners;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.SessionStore;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.trace.MessageTrace;
import java.util.concurrent.TimeUnit;

/**
 * The engine: sessions, the topic trie, routing and the platform rules, with no sockets of its own. Transports
 * feed it through {@link #pipelineInstaller()}; broker-server creates it and wires it to listeners.
 */
public final class Broker {

    /** Tasks one session owner may have queued before new work is refused (and counted). */
    static final int OWNER_QUEUE_CAPACITY = 1 << 18;

    private final PlatformPolicy policy;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final SessionOwners owners;
    private final SessionRegistry registry;
    private final Router router;
    private final Authenticator authenticator;
    private final Disconnector disconnector;
    private final MqttPipelineInstaller installer;
    private final MessageTrace trace;

    public Broker(BrokerConfig config, Authenticator authenticator, SessionStore store) {
        this(config, authenticator, store, Runtime.getRuntime().availableProcessors());
    }

    /** sessionThreads 0 runs session work on the calling thread: only for deterministic tests. */
    public Broker(BrokerConfig config, Authenticator authenticator, SessionStore store, int sessionThreads) {
        this(config, authenticator, store, new SessionOwners(sessionThreads, OWNER_QUEUE_CAPACITY));
    }

    /**
     * Sessions owned by the given event loops, which the caller stops after {@link #shutdown}: the server passes
     * its I/O event loops, so a connection and its session share one thread (see {@link SessionOwner}).
     */
    public Broker(BrokerConfig config, Authenticator authenticator, SessionStore store, EventExecutorGroup sessionLoops) {
        this(config, authenticator, store, new SessionOwners(sessionLoops, OWNER_QUEUE_CAPACITY));
    }

    private Broker(BrokerConfig config, Authenticator authenticator, SessionStore store, SessionOwners owners) {
        this.policy = new PlatformPolicy(config.platform(), config.limits());
        this.authenticator = authenticator;
        this.owners = owners;
        this.registry = new SessionRegistry(owners, store, trie, metrics, config.limits().maxQueuedMessages(),
                config.limits().maxInflight(), config.log().repeatInterval());
        this.router = new Router(trie, registry, policy, metrics);
        registry.onOrphans(router::redeliver);
        this.disconnector = new Disconnector(metrics, config.log().repeatInterval());
        this.trace = new MessageTrace(config.log().traceRingSize());
        this.installer = new MqttPipelineInstaller(this);
    }

    public PlatformPolicy policy() {
        return policy;
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    public SessionRegistry registry() {
        return registry;
    }

    public Router router() {
        return router;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public Disconnector disconnector() {
        return disconnector;
    }

    public MessageTrace trace() {
        return trace;
    }

    public MqttPipelineInstaller pipelineInstaller() {
        return installer;
    }

    /** Subscriptions in the trie, across all sessions. */
    public int subscriptionCount() {
        return trie.size();
    }

    /**
     * The drain of a graceful shutdown, after the listeners stopped accepting: every owner writes and flushes
     * what it owes its clients, then each connection is closed; then the owners stop.
     */
    public void shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        // 1. Nothing more clients send is acted on.
        for (Session session : registry.all()) {
            Connection connection = session.connection();
            if (connection != null) {
                connection.stopReading();
            }
        }
        // 2. Work already under way lands: a PUBLISH routed by one owner is delivered by another (one hop at most).
        owners.barrier(deadline);
        owners.barrier(deadline);
        // 3. Each session writes what it can of what it owes, then its client is told (MQTT 5: 0x8B) and closed.
        for (Session session : registry.all()) {
            session.owner().executeAlways(() -> {
                Connection connection = session.connection();
                if (connection != null) {
                    session.writable();
                    connection.close(CloseReason.SERVER_SHUTTING_DOWN);
                }
            });
        }
        // 4. The owners finish and stop, all within the one deadline.
        owners.shutdown(deadline);
        registry.close();
    }
}
