package io.ternmq.core.session;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of {@link SessionOwner}s; a client id always maps to the same one, so all work for one client
 * id (connect, takeover, publish, acks, deliveries) is serialised without locks.
 */
public final class SessionOwners {

    /**
     * Tasks one owner accepts from other threads before {@link SessionOwner#tryExecute} refuses (and the caller
     * counts it): a bound on what a burst of fan-out can queue on one event loop.
     */
    public static final int QUEUE_CAPACITY = 1 << 18;

    private final SessionOwner[] owners;
    /** The threads, when these owners made their own (and so stop them); null when they run on the caller's. */
    private final EventExecutorGroup ownThreads;

    /**
     * Owners on the executors of the given group, which the caller keeps and stops (in the server: the I/O
     * event loops, so sessions live on the threads that serve their connections).
     *
     * @param queueCapacity tasks an owner accepts from other threads before {@link SessionOwner#tryExecute} refuses
     */
    public SessionOwners(EventExecutorGroup executors, int queueCapacity) {
        this.owners = ownersOn(executors, queueCapacity);
        this.ownThreads = null;
    }

    /**
     * Owners on threads of their own, which {@link #shutdown} stops.
     *
     * @param count owner threads; 0 makes one inline owner that runs every task on its caller, which only
     *              deterministic tests (EmbeddedChannel) want
     */
    public SessionOwners(int count, int queueCapacity) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        this.ownThreads = count == 0 ? null
                : new DefaultEventExecutorGroup(count, new DefaultThreadFactory("ternmq-session", true));
        this.owners = count == 0 ? new SessionOwner[] {SessionOwner.inline()} : ownersOn(ownThreads, queueCapacity);
    }

    private static SessionOwner[] ownersOn(EventExecutorGroup executors, int queueCapacity) {
        List<SessionOwner> list = new ArrayList<>();
        for (EventExecutor executor : executors) {
            list.add(new SessionOwner(executor, queueCapacity));
        }
        return list.toArray(SessionOwner[]::new);
    }

    public SessionOwner ownerOf(String clientId) {
        return owners[Math.floorMod(clientId.hashCode(), owners.length)];
    }

    public int size() {
        return owners.length;
    }

    /**
     * Waits until every owner has run what was queued before this call (or the deadline, a System.nanoTime
     * value, passes); false if the deadline came first.
     */
    public boolean barrier(long deadlineNanos) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(owners.length);
        for (SessionOwner owner : owners) {
            owner.executeAlways(done::countDown);
        }
        return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Refuses new work, lets every owner finish what is queued, and stops the threads these owners made
     * themselves, all against one deadline (System.nanoTime). Event loops given by the caller keep running
     * (their channels close afterwards); the caller stops them.
     */
    public void shutdown(long deadlineNanos) throws InterruptedException {
        for (SessionOwner owner : owners) {
            owner.requestStop();
        }
        barrier(deadlineNanos);
        if (ownThreads != null) {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            ownThreads.shutdownGracefully(0, left, TimeUnit.NANOSECONDS).await(left, TimeUnit.NANOSECONDS);
        }
    }
}
