package io.ternmq.bench.jmh;

import io.ternmq.config.ConfigLoader;
import io.ternmq.core.Broker;
import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.core.session.SessionRegistry;
import java.util.Map;
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
 * built and encoded) without sockets or threads. The engine runs with inline session owners (the constructor's
 * sessionThreads 0), so everything happens on the benchmark thread; each session is attached to an
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

    private Broker broker;
    private PublishMessage message;
    private EncodingConnection[] connections;

    @Setup
    public void setup() {
        broker = new Broker(ConfigLoader.load(null, Map.of(), Map.of()), new AnonymousAuthenticator(),
                new InMemorySessionStore(1000), 0);
        SessionRegistry registry = broker.registry();
        connections = new EncodingConnection[subscribers];
        for (int i = 0; i < subscribers; i++) {
            connections[i] = new EncodingConnection();
            registry.attach("sub-" + i, true, connections[i]).session().subscribe(TOPIC, 0);
        }
        message = new PublishMessage(TOPIC, 0, new byte[16], "pub");
    }

    /** Returns the number of sessions the message was handed to (1,000), so nothing is optimised away. */
    @Benchmark
    public int route() {
        return broker.router().route(message);
    }
}
