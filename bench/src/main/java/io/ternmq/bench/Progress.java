package io.ternmq.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The line printed every second: elapsed time, connections (churn: CONNACKs in that second, the warm-up's
 * included), messages out and in per second, p99, errors.
 */
final class Progress implements AutoCloseable {

    private final Stats stats;
    private final PrintStream out;
    private final boolean quiet;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });
    private final boolean perSecond;
    private long lastPublished;
    private long lastReceived;
    private long lastConnected;

    /** @param perSecond connections per second (churn) rather than connections open */
    Progress(Stats stats, PrintStream out, boolean quiet, boolean perSecond) {
        this.stats = stats;
        this.out = out;
        this.quiet = quiet;
        this.perSecond = perSecond;
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        Histogram interval = stats.sampleInterval(); // also keeps the totals current when quiet
        long published = stats.published.sum();
        long received = stats.received.sum();
        long connected = perSecond ? stats.acceptedAll.sum() : stats.connected.sum();
        if (!quiet && perSecond) {
            Histogram connects = stats.lastConnectInterval();
            out.printf(Locale.ROOT, "[%4ds] conn %,d/s  connect p99 %s  refused %d  errors %d%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), connected - lastConnected,
                    connects == null || connects.getTotalCount() == 0 ? "-" : millis(connects.getValueAtPercentile(99)),
                    stats.refused.sum(), stats.errors.sum() + stats.connectFailed.sum());
        } else if (!quiet) {
            out.printf(Locale.ROOT, "[%4ds] conn %,d  out %,d/s  in %,d/s  p99 %s  errors %d  dropped %d%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), connected,
                    published - lastPublished, received - lastReceived,
                    interval.getTotalCount() == 0 ? "-" : millis(interval.getValueAtPercentile(99)),
                    stats.errors.sum() + stats.connectFailed.sum(), stats.dropped.sum());
        }
        lastPublished = published;
        lastReceived = received;
        lastConnected = connected;
    }

    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
