package io.ternmq.core.session;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Session state on the heap. Owner-thread confined, like every {@link SessionData}. */
public final class InMemorySessionData implements SessionData {

    private final int maxQueued;
    private final Map<String, Integer> subscriptions = new HashMap<>();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    private final LinkedHashMap<Integer, Delivery> inflight = new LinkedHashMap<>();

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
        subscriptions.put(filter, options);
    }

    @Override
    public void removeSubscription(String filter) {
        subscriptions.remove(filter);
    }

    @Override
    public Delivery offer(Delivery delivery) {
        Delivery dropped = queue.size() >= maxQueued ? queue.pollFirst() : null;
        queue.addLast(delivery);
        return dropped;
    }

    @Override
    public Delivery peek() {
        return queue.peekFirst();
    }

    @Override
    public Delivery poll() {
        return queue.pollFirst();
    }

    @Override
    public int queueSize() {
        return queue.size();
    }

    @Override
    public int dropQueuedQos0() {
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
        inflight.put(packetId, delivery);
    }

    @Override
    public Delivery removeInflight(int packetId) {
        return inflight.remove(packetId);
    }

    @Override
    public boolean inflightContains(int packetId) {
        return inflight.containsKey(packetId);
    }

    @Override
    public int inflightSize() {
        return inflight.size();
    }

    @Override
    public Map<Integer, Delivery> inflight() {
        return Collections.unmodifiableMap(inflight);
    }
}
