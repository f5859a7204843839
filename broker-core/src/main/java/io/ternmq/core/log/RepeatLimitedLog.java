package io.ternmq.core.log;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Log lines that a client can cause at will (a malformed packet, a refused CONNECT, a takeover), kept from
 * flooding the log: each line has a cause, a short name from a bounded set chosen by the code (never client
 * text), and a cause is logged at most once per interval; the next line of that cause says how many were left
 * out. Every occurrence is counted, for the metrics.
 */
public final class RepeatLimitedLog {

    /** Causes beyond this many are counted and logged together under {@link #OTHER}. */
    static final int MAX_CAUSES = 256;
    static final String OTHER = "other";

    private static final class Cause {
        final LongAdder total = new LongAdder();
        final AtomicLong suppressed = new AtomicLong();
        final AtomicLong nextAllowedNanos;

        Cause(long now) {
            nextAllowedNanos = new AtomicLong(now);
        }
    }

    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Cause> causes = new ConcurrentHashMap<>();

    /** @param interval at most one line per cause this often; zero logs every line */
    public RepeatLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Counts the cause and logs the line at info unless that cause was logged less than an interval ago. */
    public void info(String cause, String format, Object... args) {
        long now = System.nanoTime();
        Cause c = cause(cause, now);
        c.total.increment();
        if (intervalNanos > 0) {
            long next = c.nextAllowedNanos.get();
            if (now - next < 0 || !c.nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
                c.suppressed.incrementAndGet();
                return;
            }
        }
        if (!log.isInfoEnabled()) {
            return;
        }
        long left = c.suppressed.getAndSet(0);
        if (left == 0) {
            log.info(format, args);
        } else {
            log.info(format + " [and {} more of '{}' since the last line of it, not logged]",
                    append(args, left, cause));
        }
    }

    /** How often each cause occurred since start, by cause name. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        causes.forEach((name, c) -> out.put(name, c.total.sum()));
        return out;
    }

    public long count(String cause) {
        Cause c = causes.get(cause);
        return c == null ? 0 : c.total.sum();
    }

    private Cause cause(String name, long now) {
        Cause c = causes.get(name);
        if (c != null) {
            return c;
        }
        if (causes.size() >= MAX_CAUSES) {
            name = OTHER;
        }
        return causes.computeIfAbsent(name, n -> new Cause(now));
    }

    private static Object[] append(Object[] args, Object... more) {
        Object[] all = new Object[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
