package io.ternmq.bench;

/**
 * Send and receive times in nanoseconds since the epoch, read from {@link System#nanoTime()} anchored once to
 * the wall clock: monotonic within a process, and comparable between two bench processes on one machine (a
 * `pub` run and a `sub` run) to within the wall clock's agreement with itself, a millisecond or less.
 */
final class BenchClock {

    private static final long ANCHOR_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;
    private static final long ANCHOR_NANO_TIME = System.nanoTime();

    private BenchClock() {
    }

    static long now() {
        return ANCHOR_EPOCH_NANOS + (System.nanoTime() - ANCHOR_NANO_TIME);
    }
}
