package io.ternmq.core.session;

import io.ternmq.core.message.Delivery;
import java.util.List;

/**
 * The state of one session, as records in and records out: subscriptions, the queue of messages not yet sent,
 * and the QoS 1 deliveries sent but not yet acknowledged, by packet id. Nothing it returns is a live view, so an
 * implementation may keep its state anywhere (the heap, a RocksDB store with a cache). Only the session's owner
 * thread calls it, so implementations need no locks. The queue is bounded by count and by bytes (the messages'
 * {@link io.ternmq.core.message.PublishMessage#weight}): {@link #offer} drops the oldest entries when full.
 */
public interface SessionData {

    /** The subscriptions, in the order they were first made; a copy. */
    List<StoredSubscription> subscriptions();

    boolean hasSubscription(String filter);

    int subscriptionCount();

    /** Adds the subscription, or replaces the one with the same filter in its place. */
    void putSubscription(StoredSubscription subscription);

    void removeSubscription(String filter);

    /** Appends; while the queue is over either of its bounds the oldest entries go. Returns how many went. */
    int offer(Delivery delivery);

    /** The weight of what is queued, in bytes. */
    long queuedBytes();

    Delivery peek();

    Delivery poll();

    int queueSize();

    /** Removes every queued QoS 0 delivery (they are not kept for an offline session); returns how many. */
    int dropQueuedQos0();

    /** Removes and returns every queued shared-subscription delivery (one with a share key), in queue order. */
    List<Delivery> removeQueuedShared();

    void putInflight(int packetId, Delivery delivery);

    /** Removes and returns the in-flight delivery with this id, or null. */
    Delivery removeInflight(int packetId);

    /** The in-flight delivery with this id, or null. */
    Delivery inflight(int packetId);

    boolean inflightContains(int packetId);

    int inflightSize();

    /** The packet ids in flight, in the order they were first sent; a copy. */
    List<Integer> inflightIds();

    /** Removes and returns every in-flight shared-subscription delivery, in the order they were sent. */
    List<Delivery> removeInflightShared();

    /**
     * Records the session's expiry for a store that outlives the process: its interval, and since when it has been
     * offline (wall-clock milliseconds, 0 while connected), so a restart can tell how long it has left.
     */
    void expiry(long intervalSeconds, long offlineSinceMillis);
}
