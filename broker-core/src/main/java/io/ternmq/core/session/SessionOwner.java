package io.ternmq.core.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns a share of the sessions: every read and write of a session's state runs here, so
 * session code needs no locks. The thread is a Netty event loop, in the server the same I/O event loop that
 * serves the connections of those sessions (a TCP connection moves to its session's loop at CONNECT), so a
 * client's packets reach its session, and its session's writes reach its socket, without a thread hop
 * (Netty's own model, and what keeps the wake-ups per message near Mosquitto's).
 *
 * <p>Work from other threads (a PUBLISH routed by another owner, a QUIC stream on its own loop) is queued; that
 * queue is bounded: a caller that cannot enqueue gets {@code false} and decides what that means (drop and
 * count, or close a connection).
 */
public final class SessionOwner {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOwner.class);

    private final EventExecutor executor;
    private final int capacity;
    private volatile boolean stopping;

    SessionOwner(EventExecutor executor, int capacity) {
        this.executor = executor;
        this.capacity = capacity;
    }

    /** An owner without a thread that runs each task at once on the caller: for deterministic tests. */
    static SessionOwner inline() {
        return new SessionOwner(null, Integer.MAX_VALUE);
    }

    /** The event loop this owner runs on, or null (an inline owner, or an executor that serves no channels). */
    public EventLoop eventLoop() {
        return executor instanceof EventLoop loop ? loop : null;
    }

    /** True when the caller runs on this owner's thread (always, for an inline owner). */
    public boolean inOwner() {
        return executor == null || executor.inEventLoop();
    }

    /** Enqueues a task; false when the queue is at capacity or the owner is stopping. Never blocks. */
    public boolean tryExecute(Runnable task) {
        if (executor == null) {
            task.run();
            return true;
        }
        if (stopping || pending() >= capacity) {
            return false;
        }
        executor.execute(task);
        return true;
    }

    /**
     * Enqueues a task that must not be lost whatever the load (a connection's end, which frees resources).
     * At most one such task exists per connection, so this cannot grow without bound.
     */
    public void executeAlways(Runnable task) {
        if (inOwner()) {
            runGuarded(task);
        } else {
            executor.execute(task);
        }
    }

    /** Runs the task now when already on this owner, else enqueues it. */
    public boolean runOrExecute(Runnable task) {
        if (inOwner()) {
            runGuarded(task);
            return true;
        }
        return tryExecute(task);
    }

    /**
     * Runs session work here and now. A bug in one session's code must not reach the caller: it may be another
     * connection's pipeline (a publisher whose message a same-loop subscriber failed to take), which would close
     * that connection. Logged and survived, as a queued task's failure is by the event loop.
     */
    public static void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Logs session work that failed where it ran (see {@link #runGuarded}). */
    public static void failed(RuntimeException e) {
        LOG.error("session task failed on {}", Thread.currentThread().getName(), e);
    }

    /** Pending tasks, for tests and metrics. */
    public int pending() {
        return executor instanceof SingleThreadEventExecutor single ? single.pendingTasks() : 0;
    }

    /** Refuses new ordinary work; what is queued still runs, and lifecycle work is still accepted. */
    void requestStop() {
        stopping = true;
    }

    /** True once the broker's shutdown began: new sessions are refused. */
    public boolean stopping() {
        return stopping;
    }
}
