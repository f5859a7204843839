package io.ternmq.core.session;

import java.util.Map;

/**
 * The durable part of one session: subscriptions, the queue of messages not yet sent, and the QoS 1
 * deliveries sent but not yet acknowledged. Only the session's owner thread calls it, so implementations
 * need no locks. The queue is bounded: {@link #offer} drops the oldest entry when full.
 */
public interface SessionData {

    /**
     * Subscriptions by filter (as the client wrote it), each with its options byte laid out as in an MQTT 5
     * SUBSCRIBE (bits 0-1 the granted QoS, bit 2 No Local); an unmodifiable view.
     */
    Map<String, Integer> subscriptions();

    void putSubscription(String filter, int options);

    void removeSubscription(String filter);

    /** Appends; when the queue is at its bound the oldest entry is removed and returned, else null. */
    Delivery offer(Delivery delivery);

    Delivery peek();

    Delivery poll();

    int queueSize();

    /** Removes every queued QoS 0 delivery (they are not kept for an offline session); returns how many. */
    int dropQueuedQos0();

    /** Removes and returns every queued delivery the predicate accepts, in queue order. */
    java.util.List<Delivery> removeQueuedIf(java.util.function.Predicate<Delivery> predicate);

    void putInflight(int packetId, Delivery delivery);

    /** Removes and returns the in-flight delivery with this id, or null. */
    Delivery removeInflight(int packetId);

    boolean inflightContains(int packetId);

    int inflightSize();

    /** In-flight deliveries in the order they were first sent. */
    Map<Integer, Delivery> inflight();
}
