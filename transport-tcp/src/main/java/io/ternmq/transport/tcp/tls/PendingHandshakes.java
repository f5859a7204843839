package io.ternmq.transport.tcp.tls;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tls.max-pending-handshakes}: how many TLS connections of one listener may be in their handshake at once.
 * A handshake costs the broker CPU and memory before the client has proved anything, so connections that open
 * and then stall (or trickle bytes) must not pile up without bound.
 */
final class PendingHandshakes {

    private final int max;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    PendingHandshakes(int max) {
        this.max = max;
    }

    /** Counts one more handshake in progress, or returns false (and counts a refusal) when at the limit. */
    boolean tryAcquire() {
        while (true) {
            int now = pending.get();
            if (now >= max) {
                refused.incrementAndGet();
                return false;
            }
            if (pending.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        pending.decrementAndGet();
    }

    int pending() {
        return pending.get();
    }

    int max() {
        return max;
    }

    /** A handshake ended: with the connection secured (true), or failed or abandoned (false). */
    void ended(boolean success) {
        (success ? completed : failed).incrementAndGet();
    }

    long completed() {
        return completed.get();
    }

    long failed() {
        return failed.get();
    }

    /** Connections closed because the limit was reached, since start. */
    long refused() {
        return refused.get();
    }
}
