package io.ternmq.server;

import io.netty.util.concurrent.EventExecutorGroup;
import io.ternmq.config.BrokerConfig;
import io.ternmq.config.LimitsConfig;
import io.ternmq.core.protocol.SignIn;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.protocol.Disconnector;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.SessionOwners;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.SessionStore;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.trace.MessageTrace;
import java.util.concurrent.TimeUnit;

/**
 * The engine, wired by hand: the one place that decides which part talks to which, each part given exactly its
 * collaborators through its constructor. The transports get {@link #installer}; the rest is for the server's own
 * use (shutdown, the admin API).
 */
final class Engine {

    final PlatformPolicy policy;
    final BrokerMetrics metrics;
    final TopicTrie<Subscriber> trie = new TopicTrie<>();
    final SessionRegistry registry;
    final Router router;
    final Disconnector disconnector;
    final MessageTrace trace;
    final MqttPipelineInstaller installer;

    /**
     * @param sessionLoops the I/O event loops, which also own the sessions: a TCP connection moves to its session's
     *                     loop at CONNECT, so its packets and its session's writes need no thread hop
     */
    Engine(BrokerConfig config, SignIn signIn, SessionStore store, EventExecutorGroup sessionLoops,
           BrokerMetrics.Latency pubAckLatency) {
        LimitsConfig limits = config.limits();
        metrics = new BrokerMetrics(pubAckLatency);
        policy = new PlatformPolicy(config.platform(), limits);
        router = new Router(trie, policy, metrics, store);
        registry = new SessionRegistry(new SessionOwners(sessionLoops, SessionOwners.QUEUE_CAPACITY), store, trie, router,
                metrics, limits.maxInflight(), config.log().repeatInterval());
        disconnector = new Disconnector(metrics, config.log().repeatInterval());
        trace = new MessageTrace(config.log().trace(), config.log().traceRingSize());
        installer = new MqttPipelineInstaller(policy, signIn, registry, router, disconnector, trace, metrics,
                limits.maxConnections(), limits.connectTimeout());
    }

    /** The drain of a graceful shutdown, after the listeners stopped accepting (see {@link SessionRegistry#drain}). */
    void drain() {
        try {
            registry.drain(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
