package io.ternmq.core.session;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session state on the heap. Owner-thread confined, like every {@link SessionData}. The containers are made on
 * first use: most connected devices are idle most of the time, with nothing queued or in flight, and at tens of
 * thousands of connections their empty tables were a tenth of the broker's memory per connection.
 */
public final class InMemorySessionData implements SessionData {

    private final int maxQueued;
    private Map<String, Integer> subscriptions = Map.of();
    private ArrayDeque<Delivery> queue;
    private LinkedHashMap<Integer, Delivery> inflight;

    public InMemorySessionData(int maxQueued) {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1");
        }
        this.maxQueued = maxQueued;
    }

    @Override
    public Map<String, Integer> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    @Override
    public void putSubscription(String filter, int options) {
        if (subscriptions.isEmpty()) {
            subscriptions = new HashMap<>(4);
        }
        subscriptions.put(filter, options);
    }

    @Override
    public void removeSubscription(String filter) {
        if (!subscriptions.isEmpty()) {
            subscriptions.remove(filter);
        }
    }

    @Override
    public Delivery offer(Delivery delivery) {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        Delivery dropped = queue.size() >= maxQueued ? queue.pollFirst() : null;
        queue.addLast(delivery);
        return dropped;
    }

    @Override
    public Delivery peek() {
        return queue == null ? null : queue.peekFirst();
    }

    @Override
    public Delivery poll() {
        return queue == null ? null : queue.pollFirst();
    }

    @Override
    public int queueSize() {
        return queue == null ? 0 : queue.size();
    }

    @Override
    public int dropQueuedQos0() {
        if (queue == null) {
            return 0;
        }
        int dropped = 0;
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            if (it.next().qos() == 0) {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    @Override
    public java.util.List<Delivery> removeQueuedIf(java.util.function.Predicate<Delivery> predicate) {
        java.util.List<Delivery> removed = new java.util.ArrayList<>();
        if (queue == null) {
            return removed;
        }
        for (Iterator<Delivery> it = queue.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (predicate.test(d)) {
                it.remove();
                removed.add(d);
            }
        }
        return removed;
    }

    @Override
    public void putInflight(int packetId, Delivery delivery) {
        if (inflight == null) {
            inflight = new LinkedHashMap<>();
        }
        inflight.put(packetId, delivery);
    }

    @Override
    public Delivery removeInflight(int packetId) {
        return inflight == null ? null : inflight.remove(packetId);
    }

    @Override
    public boolean inflightContains(int packetId) {
        return inflight != null && inflight.containsKey(packetId);
    }

    @Override
    public int inflightSize() {
        return inflight == null ? 0 : inflight.size();
    }

    @Override
    public Map<Integer, Delivery> inflight() {
        return inflight == null ? Map.of() : Collections.unmodifiableMap(inflight);
    }
}
