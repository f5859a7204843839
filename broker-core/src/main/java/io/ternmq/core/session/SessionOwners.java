package io.ternmq.core.session;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of {@link SessionOwner}s; a client id always maps to the same one, so all work for one client
 * id (connect, takeover, publish, acks, deliveries) is serialised without locks.
 */
public final class SessionOwners {

    private final SessionOwner[] owners;

    /**
     * @param count         owner threads; 0 makes one inline owner that runs every task on its caller, which
     *                      only deterministic tests (EmbeddedChannel) want
     * @param queueCapacity tasks an owner accepts before {@link SessionOwner#tryExecute} refuses
     */
    public SessionOwners(int count, int queueCapacity) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        if (count == 0) {
            owners = new SessionOwner[] {SessionOwner.inline()};
            return;
        }
        owners = new SessionOwner[count];
        for (int i = 0; i < count; i++) {
            owners[i] = new SessionOwner("ternmq-session-" + i, queueCapacity);
            owners[i].start();
        }
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

    /** Lets every owner finish its queued work, then stops them, all against one deadline (System.nanoTime). */
    public void shutdown(long deadlineNanos) throws InterruptedException {
        for (SessionOwner owner : owners) {
            owner.requestStop();
        }
        for (SessionOwner owner : owners) {
            owner.join(deadlineNanos);
        }
    }
}
