package io.ternmq.core.session;

import io.ternmq.core.message.Delivery;
import java.util.List;
import java.util.function.Predicate;

/**
 * The state of one session, as records in and records out: subscriptions, the queue of messages not yet sent,
 * and the QoS 1 deliveries sent but not yet acknowledged, by packet id. Nothing it returns is a live view, so an
 * implementation may keep its state anywhere (the heap, a RocksDB store with a cache). Only the session's owner
 * thread calls it, so implementations need no locks. The queue is bounded: {@link #offer} drops the oldest entry
 * when full.
 */
public interface SessionData {

    /** The subscriptions, in the order they were first made; a copy. */
    List<StoredSubscription> subscriptions();

    boolean hasSubscription(String filter);

    int subscriptionCount();

    /** Adds the subscription, or replaces the one with the same filter in its place. */
    void putSubscription(StoredSubscription subscription);

    void removeSubscription(String filter);

    /** Appends; when the queue is at its bound the oldest entry is removed and returned, else null. */
    Delivery offer(Delivery delivery);

    Delivery peek();

    Delivery poll();

    int queueSize();

    /** Removes every queued QoS 0 delivery (they are not kept for an offline session); returns how many. */
    int dropQueuedQos0();

    /** Removes and returns every queued delivery the predicate accepts, in queue order. */
    List<Delivery> removeQueuedIf(Predicate<Delivery> predicate);

    void putInflight(int packetId, Delivery delivery);

    /** Removes and returns the in-flight delivery with this id, or null. */
    Delivery removeInflight(int packetId);

    /** The in-flight delivery with this id, or null. */
    Delivery inflight(int packetId);

    boolean inflightContains(int packetId);

    int inflightSize();

    /** The packet ids in flight, in the order they were first sent; a copy. */
    List<Integer> inflightIds();

    /** Removes and returns every in-flight delivery the predicate accepts, in the order they were sent. */
    List<Delivery> removeInflightIf(Predicate<Delivery> predicate);
}
