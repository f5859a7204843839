package io.ternmq.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The line printed every second: elapsed time, connections, messages out and in per second, p99, errors. */
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
    private long lastPublished;
    private long lastReceived;

    Progress(Stats stats, PrintStream out, boolean quiet) {
        this.stats = stats;
        this.out = out;
        this.quiet = quiet;
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        Histogram interval = stats.sampleInterval(); // also keeps the totals current when quiet
        long published = stats.published.sum();
        long received = stats.received.sum();
        if (!quiet) {
            out.printf(Locale.ROOT, "[%4ds] conn %,d  out %,d/s  in %,d/s  p99 %s  errors %d  dropped %d%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), stats.connected.sum(),
                    published - lastPublished, received - lastReceived,
                    interval.getTotalCount() == 0 ? "-" : millis(interval.getValueAtPercentile(99)),
                    stats.errors.sum() + stats.connectFailed.sum(), stats.dropped.sum());
        }
        lastPublished = published;
        lastReceived = received;
    }

    static String millis(long micros) {
        return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
