package io.ternmq.bench.jmh;

import io.ternmq.core.topic.TopicTrie;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Matching one topic against a trie of a million subscriptions, the shape of a device fleet: per device an
 * exact filter {@code fleet/g{group}/d{device}/temp}, and among them some {@code fleet/g{group}/d{device}/#},
 * {@code .../+} and one {@code fleet/g{group}/+/temp} per group. A topic matches about two filters; the
 * {@code miss} benchmark matches a topic no filter covers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TopicTrieMatchBenchmark {

    private static final int DEVICES_PER_GROUP = 1000;
    private static final int TOPICS = 4096;

    @Param("1000000")
    public int filters;

    private TopicTrie<String> trie;
    private String[] topics;
    private String[] misses;
    private int next;

    @Setup
    public void setup() {
        trie = new TopicTrie<>();
        for (int i = 0; i < filters; i++) {
            String key = "c" + i;
            trie.subscribe(filter(i), key, key);
        }
        SplittableRandom random = new SplittableRandom(42);
        int groups = Math.max(1, filters / DEVICES_PER_GROUP);
        topics = new String[TOPICS];
        misses = new String[TOPICS];
        for (int i = 0; i < TOPICS; i++) {
            int g = random.nextInt(groups);
            int d = random.nextInt(DEVICES_PER_GROUP);
            topics[i] = "fleet/g" + g + "/d" + d + "/temp";
            misses[i] = "fleet/g" + g + "/d" + d + "/humidity/now";
        }
    }

    static String filter(int i) {
        int group = i / DEVICES_PER_GROUP;
        int device = i % DEVICES_PER_GROUP;
        if (device == 0) {
            return "fleet/g" + group + "/+/temp";
        }
        return switch (i % 20) {
            case 0 -> "fleet/g" + group + "/d" + device + "/#";
            case 1 -> "fleet/g" + group + "/d" + device + "/+";
            default -> "fleet/g" + group + "/d" + device + "/temp";
        };
    }

    @Benchmark
    public int match() {
        Counter counter = new Counter();
        trie.match(topics[next++ & (TOPICS - 1)], counter);
        return counter.count;
    }

    @Benchmark
    public int miss() {
        Counter counter = new Counter();
        trie.match(misses[next++ & (TOPICS - 1)], counter);
        return counter.count;
    }

    private static final class Counter implements Consumer<String> {
        int count;

        @Override
        public void accept(String s) {
            count++;
        }
    }
}
