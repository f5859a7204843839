package io.ternmq.server.api;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Slows down guessing the admin token: after {@value #FREE_FAILURES} failed calls from one address within
 * {@value #WINDOW_MILLIS} ms, each further 401 to that address waits 100 ms, doubling per failure up to
 * {@value #MAX_DELAY_MILLIS} ms. Addresses are kept in a bounded LRU map ({@value #MAX_ADDRESSES}), so a spread of
 * sources costs a bounded amount of memory; a success from an address forgets it.
 */
final class FailedLogins {

    static final int FREE_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    static final long MAX_DELAY_MILLIS = 5_000;
    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, long firstMillis) {
    }

    private final LongAdder total = new LongAdder();
    private final Map<InetAddress, Failures> byAddress = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** Counts a failed call; returns how long its 401 should wait, in milliseconds. */
    synchronized long failed(InetAddress address, long nowMillis) {
        total.increment();
        Failures f = byAddress.get(address);
        if (f == null || nowMillis - f.firstMillis() > WINDOW_MILLIS) {
            f = new Failures(0, nowMillis);
        }
        f = new Failures(f.count() + 1, f.firstMillis());
        byAddress.put(address, f);
        int over = f.count() - FREE_FAILURES;
        return over <= 0 ? 0 : Math.min(MAX_DELAY_MILLIS, 100L << Math.min(over - 1, 16));
    }

    synchronized void succeeded(InetAddress address) {
        byAddress.remove(address);
    }

    /** Failed calls since start (every 401). */
    long total() {
        return total.sum();
    }
}
