package io.ternmq.store;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.ternmq.config.Durability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit. Each session owner (an event loop) writes into a batch of its own for the whole pass of its loop;
 * after the pass the batch goes to this writer's thread, which writes every batch that is waiting and then syncs
 * the write-ahead log once for all of them, and only then runs what waited for them (the publishers' PUBACKs). So
 * an event loop never waits for a disk, and one fsync covers every PUBLISH read in a pass, from every loop.
 *
 * <ul>
 *   <li>{@link Durability#SYNC}: what waits runs after the sync.</li>
 *   <li>{@link Durability#ASYNC}: what waits runs after the write; the log is synced at most every
 *       {@code storage.sync-interval}, so a crash may lose that much.</li>
 * </ul>
 * A thread that is no I/O event loop (start-up, a test, a plain executor, which runs no tasks after its passes)
 * hands its batch over at once, write by write.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** One pass's writes from one thread, and what waits for them. */
    private final class Pass {
        final RocksStore.Batch batch = store.batch();
        final List<Runnable> waiting = new ArrayList<>(2);
        volatile boolean done;

        /** Runs after the batch is as safe as the mode promises; on the writer's thread. */
        void complete() {
            List<Runnable> run;
            synchronized (this) {
                done = true;
                run = new ArrayList<>(waiting);
                waiting.clear();
            }
            for (Runnable r : run) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("a task waiting for the store failed", e);
                }
            }
            batch.close();
        }

        /** Adds what waits for this pass; false when it is done already (then the caller runs it). */
        synchronized boolean await(Runnable r) {
            if (done) {
                return false;
            }
            waiting.add(r);
            return true;
        }
    }

    /** A thread's current pass and the last one it handed over. */
    private static final class ThreadPasses {
        Pass current;
        Pass last;
    }

    private final RocksStore store;
    private final Durability durability;
    private final long syncIntervalNanos;
    private final ThreadLocal<ThreadPasses> passes = ThreadLocal.withInitial(ThreadPasses::new);
    private final LinkedBlockingQueue<Pass> handedOver = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.LongAdder syncs = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder syncNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder batchesWritten = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean failed;
    private long lastSyncNanos = System.nanoTime();
    private final Runnable measure;
    private long lastMeasureNanos = System.nanoTime();

    /** How often, at most, the writer has the store's files measured after writing (its idle wait is longer). */
    static final long MEASURE_EVERY_MILLIS = 100;

    /** @param measure run on the writer's thread after writes, at most every {@link #MEASURE_EVERY_MILLIS} */
    StoreWriter(RocksStore store, Durability durability, Duration syncInterval, Runnable measure) {
        this.store = store;
        this.durability = durability;
        this.syncIntervalNanos = syncInterval.toNanos();
        this.measure = measure;
        this.thread = new Thread(this::run, "ternmq-store-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The calling thread's batch for this pass; it goes to the writer when the pass ends. */
    RocksStore.Batch batch() {
        ThreadPasses t = passes.get();
        if (t.current == null) {
            Pass pass = new Pass();
            t.current = pass;
            EventExecutor executor = ThreadExecutorMap.currentExecutor();
            if (executor instanceof SingleThreadIoEventLoop loop) {
                loop.executeAfterEventLoopIteration(() -> handOver(t));
            }
        }
        return t.current.batch;
    }

    /** After a write into {@link #batch()}: a thread without a pass to end hands it over now. */
    void wrote() {
        if (!(ThreadExecutorMap.currentExecutor() instanceof SingleThreadIoEventLoop)) {
            handOver(passes.get());
        }
    }

    /**
     * Runs the action once everything the calling thread wrote so far is as safe as the mode promises: after its
     * current pass, or its last one still on its way, or at once when all is written.
     */
    void whenWritten(Runnable action) {
        ThreadPasses t = passes.get();
        Pass pass = t.current != null && !t.current.batch.isEmpty() ? t.current : t.last;
        if (pass == null || !pass.await(action)) {
            action.run();
        }
    }

    /** Syncs of the write-ahead log so far. */
    long syncNanos() {
        return syncNanos.sum();
    }

    long syncs() {
        return syncs.sum();
    }

    /** Batches (one per thread per pass) written so far. */
    long batchesWritten() {
        return batchesWritten.sum();
    }

    /** True once a write failed: the store is not to be trusted with more (new persistent QoS 1 is refused). */
    boolean failed() {
        return failed;
    }

    private void handOver(ThreadPasses t) {
        Pass pass = t.current;
        t.current = null;
        if (pass == null) {
            return;
        }
        if (pass.batch.isEmpty() && pass.waiting.isEmpty()) {
            pass.batch.close();
            return;
        }
        t.last = pass;
        handedOver.add(pass);
    }

    private void run() {
        List<Pass> round = new ArrayList<>();
        while (running || !handedOver.isEmpty()) {
            try {
                Pass first = handedOver.poll(syncWaitMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    syncIfDue();
                    measureIfDue();
                    continue;
                }
                round.add(first);
                handedOver.drainTo(round);
                for (Pass pass : round) {
                    store.write(pass.batch);
                }
                batchesWritten.add(round.size());
                if (durability == Durability.SYNC) {
                    sync();
                } else {
                    syncIfDue();
                }
                round.forEach(Pass::complete);
                round.clear();
                measureIfDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!failed) {
                    LOG.error("the store cannot write any more: messages for persistent sessions are refused "
                            + "from now on", e);
                }
                failed = true;
                round.clear(); // what waited for these writes is never told they are safe: they are not
            }
        }
    }

    private void measureIfDue() {
        long now = System.nanoTime();
        if (now - lastMeasureNanos >= TimeUnit.MILLISECONDS.toNanos(MEASURE_EVERY_MILLIS)) {
            lastMeasureNanos = now;
            measure.run();
        }
    }

    private long syncWaitMillis() {
        return durability == Durability.ASYNC ? Math.max(1, syncIntervalNanos / 1_000_000L) : 1000;
    }

    private void syncIfDue() {
        if (durability == Durability.ASYNC && System.nanoTime() - lastSyncNanos >= syncIntervalNanos) {
            sync();
        }
    }

    /** One fsync of the write-ahead log, counted and timed. */
    private void sync() {
        long start = System.nanoTime();
        store.syncWal();
        lastSyncNanos = System.nanoTime();
        syncs.increment();
        syncNanos.add(lastSyncNanos - start);
    }

    /** Writes and syncs what was handed over, then stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!failed) {
            store.syncWal();
        }
    }
}
