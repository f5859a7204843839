package io.ternmq.bench.jmh;

import io.ternmq.config.BrokerConfig;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.core.session.SessionOwners;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing one 16-byte QoS 0 PUBLISH to 1,000 subscribers and encoding the packet each of them gets: the
 * broker's fan-out path (trie match, dedupe by client, one Delivery per session, Session.deliver, the PUBLISH
 * built and encoded) without sockets or threads. The parts are wired as broker-server wires them, with one inline
 * session owner, so everything happens on the benchmark thread; each session is attached to an
 * {@link EncodingConnection}, which encodes what it is given into a pooled buffer and releases it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteFanoutBenchmark {

    private static final String TOPIC = "bench/fanout";

    @Param("1000")
    public int subscribers;

    private Router router;
    private PublishMessage message;
    private EncodingConnection[] connections;

    @Setup
    public void setup() {
        BrokerConfig config = BrokerConfig.defaults();
        BrokerMetrics metrics = new BrokerMetrics();
        TopicTrie<Subscriber> trie = new TopicTrie<>();
        InMemorySessionStore store = new InMemorySessionStore(config.limits().maxQueuedMessages(),
                config.limits().maxQueuedBytes());
        router = new Router(trie, new PlatformPolicy(config.platform(), config.limits()), metrics, store);
        SessionRegistry registry = new SessionRegistry(new SessionOwners(0, SessionOwners.QUEUE_CAPACITY), store,
                trie, router, metrics,
                config.limits().maxInflight(), Duration.ZERO);
        connections = new EncodingConnection[subscribers];
        for (int i = 0; i < subscribers; i++) {
            connections[i] = new EncodingConnection();
            registry.attach("sub-" + i, true, 0, connections[i]).session().subscribe(TOPIC, 0);
        }
        message = new PublishMessage(TOPIC, 0, new byte[16], "pub");
    }

    /** Returns the number of sessions the message was handed to (1,000), so nothing is optimised away. */
    @Benchmark
    public int route() {
        return router.route(message);
    }
}
