package io.ternmq.core.session;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns a share of the sessions (Moquette's session event loop): every read and write of a
 * session's state runs here, so session code needs no locks. Its task queue is bounded; a caller that cannot
 * enqueue gets {@code false} and decides what that means (drop and count, or close a connection).
 */
public final class SessionOwner {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOwner.class);
    private static final Runnable POISON = () -> { };

    // Unbounded underneath so lifecycle work (a connection that went away) is never refused; ordinary work is
    // bounded by tryExecute's capacity check.
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final int capacity;
    private final Thread thread;
    private volatile boolean stopping;

    SessionOwner(String name, int capacity) {
        this.capacity = capacity;
        this.thread = name == null ? null : new Thread(this::run, name);
        if (thread != null) {
            thread.setDaemon(true);
        }
    }

    /** An owner without a thread that runs each task at once on the caller: for deterministic tests. */
    static SessionOwner inline() {
        return new SessionOwner(null, Integer.MAX_VALUE);
    }

    void start() {
        if (thread != null) {
            thread.start();
        }
    }

    /** True when the caller runs on this owner's thread (always, for an inline owner). */
    public boolean inOwner() {
        return thread == null || Thread.currentThread() == thread;
    }

    /** Enqueues a task; false when the queue is at capacity or the owner is stopping. Never blocks. */
    public boolean tryExecute(Runnable task) {
        if (thread == null) {
            task.run();
            return true;
        }
        return !stopping && tasks.size() < capacity && tasks.offer(task);
    }

    /**
     * Enqueues a task that must not be lost whatever the load (a connection's end, which frees resources).
     * At most one such task exists per connection, so this cannot grow without bound.
     */
    public void executeAlways(Runnable task) {
        if (inOwner()) {
            task.run();
        } else {
            tasks.offer(task);
        }
    }

    /** Runs the task now when already on this owner, else enqueues it. */
    public boolean runOrExecute(Runnable task) {
        if (inOwner()) {
            task.run();
            return true;
        }
        return tryExecute(task);
    }

    /** Pending tasks, for tests and metrics. */
    public int pending() {
        return tasks.size();
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == POISON) {
                return;
            }
            try {
                task.run();
            } catch (Throwable e) {
                // A bug in one session's task must not stop the others sharing this owner; an Error is logged
                // and survived too, since a dead owner would hang every client id hashed to it.
                LOG.error("session task failed on {}", thread.getName(), e);
            }
        }
    }

    /** Refuses new ordinary work and lets the thread end once what is queued has run. */
    void requestStop() {
        stopping = true;
        if (thread != null) {
            tasks.offer(POISON);
        }
    }

    /** Waits for the thread to end, at the latest until the deadline (a System.nanoTime value). */
    void join(long deadlineNanos) throws InterruptedException {
        if (thread != null) {
            long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (millis > 0) {
                thread.join(millis);
            }
        }
    }
}
