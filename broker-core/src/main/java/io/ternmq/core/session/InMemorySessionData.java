package io.ternmq.core.session;

import io.ternmq.core.message.Delivery;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Session state on the heap. Owner-thread confined, like every {@link SessionData}. The containers are made on
 * first use: most connected devices are idle most of the time, with nothing queued or in flight, and at tens of
 * thousands of connections their empty tables were a tenth of the broker's memory per connection.
 */
public final class InMemorySessionData implements SessionData {

    private final int maxQueued;
    private final long maxQueuedBytes;
    private long queuedBytes;
    /** Filter to its options packed as MQTT 5 writes them (bits 0-1 QoS, bit 2 No Local): no record per entry. */
    private LinkedHashMap<String, Integer> subscriptions;
    private ArrayDeque<Delivery> queue;
    private LinkedHashMap<Integer, Delivery> inflight;

    /**
     * @param maxQueued      the queue's bound by count ({@code limits.max-queued-messages})
     * @param maxQueuedBytes the queue's bound by {@link io.ternmq.core.message.PublishMessage#weight}
     *                       ({@code limits.max-queued-bytes})
     */
    /**
     * State that is never kept, with {@code 1/parts} of a session's queue bounds: by count, and by bytes at least
     * 1 MiB (or the whole bound when that is smaller).
     */
    public static InMemorySessionData share(int maxQueued, long maxQueuedBytes, int parts) {
        return new InMemorySessionData(Math.max(1, maxQueued / parts),
                Math.min(maxQueuedBytes, Math.max(maxQueuedBytes / parts, 1L << 20)));
    }

    public InMemorySessionData(int maxQueued, long maxQueuedBytes) {
        if (maxQueued < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("the queue's bounds must be at least 1");
        }
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public List<StoredSubscription> subscriptions() {
        if (subscriptions == null) {
            return List.of();
        }
        return StoredSubscription.unpack(subscriptions);
    }

    @Override
    public boolean hasSubscription(String filter) {
        return subscriptions != null && subscriptions.containsKey(filter);
    }

    @Override
    public int subscriptionCount() {
        return subscriptions == null ? 0 : subscriptions.size();
    }

    @Override
    public void putSubscription(StoredSubscription subscription) {
        if (subscriptions == null) {
            subscriptions = new LinkedHashMap<>(4);
        }
        subscriptions.put(subscription.filter(), subscription.packedOptions());
    }

    @Override
    public void removeSubscription(String filter) {
        if (subscriptions != null) {
            subscriptions.remove(filter);
        }
    }

    @Override
    public int offer(Delivery delivery) {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        queue.addLast(delivery);
        queuedBytes += delivery.message().weight();
        int dropped = 0;
        // The newest always stays: a message heavier than the byte bound alone still gets its chance.
        while (queue.size() > 1 && (queue.size() > maxQueued || queuedBytes > maxQueuedBytes)) {
            removeFirst();
            dropped++;
        }
        return dropped;
    }

    private Delivery removeFirst() {
        Delivery d = queue.pollFirst();
        if (d != null) {
            queuedBytes -= d.message().weight();
        }
        return d;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public Delivery peek() {
        return queue == null ? null : queue.peekFirst();
    }

    @Override
    public Delivery poll() {
        return queue == null ? null : removeFirst();
    }

    @Override
    public int queueSize() {
        return queue == null ? 0 : queue.size();
    }

    @Override
    public int dropQueuedQos0() {
        return removeQueuedIf(d -> d.qos() == 0).size();
    }

    @Override
    public List<Delivery> removeQueuedShared() {
        return removeQueuedIf(d -> d.shareKey() != null);
    }

    private List<Delivery> removeQueuedIf(Predicate<Delivery> predicate) {
        List<Delivery> removed = new ArrayList<>();
        if (queue != null) {
            removeIf(queue.iterator(), predicate, removed);
            for (Delivery d : removed) {
                queuedBytes -= d.message().weight();
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
    public Delivery inflight(int packetId) {
        return inflight == null ? null : inflight.get(packetId);
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
    public List<Integer> inflightIds() {
        return inflight == null ? List.of() : List.copyOf(inflight.keySet());
    }

    @Override
    public List<Delivery> removeInflightShared() {
        Predicate<Delivery> predicate = d -> d.shareKey() != null;
        List<Delivery> removed = new ArrayList<>();
        if (inflight != null) {
            Iterator<Map.Entry<Integer, Delivery>> it = inflight.entrySet().iterator();
            while (it.hasNext()) {
                Delivery d = it.next().getValue();
                if (predicate.test(d)) {
                    it.remove();
                    removed.add(d);
                }
            }
        }
        return removed;
    }

    /** Nothing outlives the process here: the registry's own timer is the expiry. */
    @Override
    public void expiry(long intervalSeconds, long offlineSinceMillis) {
    }

    private static void removeIf(Iterator<Delivery> it, Predicate<Delivery> predicate, List<Delivery> removed) {
        while (it.hasNext()) {
            Delivery d = it.next();
            if (predicate.test(d)) {
                it.remove();
                removed.add(d);
            }
        }
    }
}
