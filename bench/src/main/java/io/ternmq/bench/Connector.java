package io.ternmq.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/** Opens clients at a steady rate and waits until each is ready or has failed. */
final class Connector {

    private final ClientPool pool;
    private final Stats stats;
    private final int perSecond;
    private final PrintStream out;

    Connector(ClientPool pool, Stats stats, int perSecond, PrintStream out) {
        this.pool = pool;
        this.stats = stats;
        this.perSecond = perSecond;
        this.out = out;
    }

    /** Connects every client at the connect rate; returns how many became ready within the time allowed. */
    int connectAll(List<BenchClient> clients) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < clients.size(); i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pool.connect(clients.get(i));
        }
        // Every connect has had its 10 s connect timeout once this passes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int ready = 0;
        String firstFailure = null;
        for (BenchClient client : clients) {
            try {
                client.ready().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ready++;
            } catch (ExecutionException | TimeoutException e) {
                stats.connectFailed.increment();
                if (firstFailure == null) {
                    firstFailure = e instanceof ExecutionException ? e.getCause().toString() : "not ready within 15 s";
                }
            }
        }
        if (firstFailure != null) {
            out.println("# " + (clients.size() - ready) + " of " + clients.size()
                    + " clients failed to connect; the first: " + firstFailure);
        }
        return ready;
    }
}
