package io.ternmq.bench;

import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one receiver (a subscriber, or all members of a shared group together) has seen of each publisher's
 * sequence: a message seen before is a duplicate, one with a lower sequence than the highest seen arrived out
 * of order. Members of a shared group run on different threads, so each stream is locked while updated.
 */
final class Streams {

    private final ConcurrentHashMap<Integer, Stream> byPublisher = new ConcurrentHashMap<>();
    private final Stats stats;

    Streams(Stats stats) {
        this.stats = stats;
    }

    void record(int publisher, int sequence) {
        stats.received.increment();
        stats.lastReceiveNanos.accumulate(System.nanoTime());
        if (sequence < 0) {
            stats.errors.increment();
            return;
        }
        Stream stream = byPublisher.computeIfAbsent(publisher, p -> new Stream());
        synchronized (stream) {
            if (stream.seen.get(sequence)) {
                stats.duplicates.increment();
                return;
            }
            stream.seen.set(sequence);
            stats.unique.increment();
            if (sequence < stream.highest) {
                stats.reordered.increment();
            } else {
                stream.highest = sequence;
            }
        }
    }

    /** Sequence numbers below the highest seen that never arrived: loss visible without knowing what was sent. */
    long gaps() {
        long gaps = 0;
        for (Stream s : byPublisher.values()) {
            synchronized (s) {
                gaps += s.highest + 1 - s.seen.cardinality();
            }
        }
        return gaps;
    }

    private static final class Stream {
        final BitSet seen = new BitSet();
        int highest = -1;
    }
}
