package io.ternmq.bench.fuzz;

import java.util.function.LongSupplier;

/**
 * The broker's resident memory over a run: at the start, the highest seen, at the end. A fuzz run opens and
 * closes a million connections; memory that only grows is a leak per rejected packet. Readings of -1 (no pid, or
 * the process is gone) are not samples.
 */
final class RssSampler {

    private final LongSupplier rssKib;
    private long start = -1;
    private long peak = -1;
    private long end = -1;

    RssSampler(LongSupplier rssKib) {
        this.rssKib = rssKib;
    }

    synchronized long sample() {
        long now = rssKib.getAsLong();
        if (now >= 0) {
            if (start < 0) {
                start = now;
            }
            peak = Math.max(peak, now);
            end = now;
        }
        return now;
    }

    synchronized long start() {
        return start;
    }

    synchronized long peak() {
        return peak;
    }

    synchronized long end() {
        return end;
    }
}
