package io.ternmq.store;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.session.SessionData;
import io.ternmq.core.session.StoredSubscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One persistent session's state, kept in the store and partly on the heap. Every change is written into the owner
 * thread's batch of the pass ({@link StoreWriter}); reads come from the heap, except the queue beyond its first
 * {@value #WINDOW} entries, which lives only in the store once written: a subscriber that falls behind, or a device
 * away for days, grows the store, not the heap. Owner-thread confined, like every {@link SessionData}.
 *
 * <p>The queue is three runs, in order: the window (the head, on the heap), the written part beyond it (in the store
 * only), and the not-yet-written tail (on the heap until the writer reports it written, so a read of the store never
 * misses it).
 */
final class DurableSessionData implements SessionData {

    /** Queued entries kept on the heap at the head of the queue. */
    static final int WINDOW = 32;

    private record Entry(long seq, Delivery delivery) {
    }

    private record Flight(long seq, int weight, Delivery delivery) {
    }

    private final DurableSessionStore home;
    private final String clientId;
    private final byte[] owner;
    private final LinkedHashMap<String, Integer> subscriptions = new LinkedHashMap<>(4);
    private final SeqQueue queue = new SeqQueue();
    private final ArrayDeque<Entry> window = new ArrayDeque<>(4);
    private final ArrayDeque<Entry> unwritten = new ArrayDeque<>(0);
    /** The highest sequence number the writer has reported written; set from the writer's thread. */
    private volatile long writtenThrough = Long.MIN_VALUE;
    private long queuedBytes;
    /** At least as many queued QoS 0 (shared) entries as there are: 0 spares a scan of the queue. */
    private int qos0Queued;
    private int sharedQueued;
    private final LinkedHashMap<Integer, Flight> inflight = new LinkedHashMap<>(4);
    private long inflightBytes;
    private long expiryInterval;
    private long offlineSince;

    DurableSessionData(DurableSessionStore home, String clientId) {
        this.home = home;
        this.clientId = clientId;
        this.owner = Keys.owner(clientId);
    }

    String clientId() {
        return clientId;
    }

    long expiryInterval() {
        return expiryInterval;
    }

    long offlineSince() {
        return offlineSince;
    }

    /** What this session holds in the store's byte count. */
    long bytes() {
        return queuedBytes + inflightBytes;
    }

    byte[] owner() {
        return owner;
    }

    // ---- loading at start-up ----

    void loadExpiry(byte[] record) {
        expiryInterval = Records.expiryInterval(record);
        offlineSince = Records.offlineSince(record);
    }

    void loadSubscription(byte[] key, byte[] value) {
        subscriptions.put(Keys.stringAtEnd(key), value[0] & 0xFF);
    }

    void loadInflight(byte[] key, byte[] value) {
        int weight = Records.weight(value);
        inflight.put(Records.packetId(value), new Flight(Keys.numberAtEnd(key), weight, Records.delivery(value)));
        inflightBytes += weight;
    }

    void loadQueued(byte[] key, byte[] value) {
        long seq = Keys.numberAtEnd(key);
        int weight = Records.weight(value);
        queue.add(seq, weight);
        queuedBytes += weight;
        qos0Queued += Records.deliveredQos(value) == 0 ? 1 : 0;
        sharedQueued += Records.shared(value) ? 1 : 0;
        if (window.size() < WINDOW) {
            window.add(new Entry(seq, Records.delivery(value)));
        }
        writtenThrough = seq;
    }

    // ---- subscriptions ----

    @Override
    public List<StoredSubscription> subscriptions() {
        return StoredSubscription.unpack(subscriptions);
    }

    @Override
    public boolean hasSubscription(String filter) {
        return subscriptions.containsKey(filter);
    }

    @Override
    public int subscriptionCount() {
        return subscriptions.size();
    }

    @Override
    public void putSubscription(StoredSubscription subscription) {
        int options = subscription.packedOptions();
        subscriptions.put(subscription.filter(), options);
        home.batch().put(home.subscriptions, Keys.withString(owner, subscription.filter()), new byte[] {(byte) options});
        home.wrote();
    }

    @Override
    public void removeSubscription(String filter) {
        if (subscriptions.remove(filter) != null) {
            home.batch().delete(home.subscriptions, Keys.withString(owner, filter));
            home.wrote();
        }
    }

    // ---- the queue ----

    @Override
    public int offer(Delivery delivery) {
        long seq = home.nextSeq();
        byte[] record = Records.delivery(delivery, 0);
        int weight = Records.weight(record);
        home.batch().put(home.queue, Keys.withNumber(owner, seq), record);
        queue.add(seq, weight);
        queuedBytes += weight;
        home.added(weight);
        count(delivery, 1);
        Entry entry = new Entry(seq, delivery);
        if (window.size() < WINDOW && window.size() == queue.size() - 1) {
            window.add(entry);
        } else {
            unwritten.add(entry);
            home.whenWritten(() -> writtenThrough = seq);
            forgetWritten();
        }
        int dropped = 0;
        // The newest always stays: a message heavier than the byte bound alone still gets its chance.
        while (queue.size() > 1 && (queue.size() > home.maxQueued() || queuedBytes > home.maxQueuedBytes())) {
            removeHead(false);
            dropped++;
        }
        home.wrote();
        return dropped;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public Delivery peek() {
        if (window.isEmpty() && queue.size() > 0) {
            refill();
        }
        Entry head = window.peekFirst();
        return head == null ? null : head.delivery();
    }

    @Override
    public Delivery poll() {
        if (queue.size() == 0) {
            return null;
        }
        if (window.isEmpty()) {
            refill();
        }
        Delivery d = removeHead(true);
        home.wrote();
        return d;
    }

    @Override
    public int queueSize() {
        return queue.size();
    }

    @Override
    public int dropQueuedQos0() {
        if (qos0Queued == 0) {
            return 0;
        }
        int dropped = removeQueued(d -> d.qos() == 0).size();
        qos0Queued = 0;
        return dropped;
    }

    @Override
    public List<Delivery> removeQueuedShared() {
        if (sharedQueued == 0) {
            return new ArrayList<>(0);
        }
        List<Delivery> removed = removeQueued(d -> d.shareKey() != null);
        sharedQueued = 0;
        return removed;
    }

    /**
     * Removes the head entry, from the window (filled before when it matters); beyond the window it is taken
     * without reading the store unless the caller wants the delivery.
     */
    private Delivery removeHead(boolean wanted) {
        long seq = queue.headSeq();
        int weight = queue.headWeight();
        queue.removeHead();
        Delivery delivery = null;
        if (!window.isEmpty()) {
            delivery = window.pollFirst().delivery();
        } else if (!unwritten.isEmpty() && unwritten.peekFirst().seq() == seq) {
            delivery = unwritten.pollFirst().delivery();
        } else if (wanted) {
            byte[] record = home.store().get(home.queue, Keys.withNumber(owner, seq));
            delivery = record == null ? null : Records.delivery(record);
        }
        if (delivery != null) {
            count(delivery, -1);
        }
        home.batch().delete(home.queue, Keys.withNumber(owner, seq));
        queuedBytes -= weight;
        home.removed(weight);
        return delivery;
    }

    /** Frees the heap of unwritten entries the writer has written since: the store has them now. */
    private void forgetWritten() {
        long written = writtenThrough;
        while (unwritten.size() > WINDOW && unwritten.peekFirst().seq() <= written) {
            unwritten.pollFirst();
        }
    }

    /**
     * The window is empty and the queue is not: it is filled from the store up to the first entry still on the
     * heap, then from the heap. Keys the store still holds for entries removed in a batch not yet written are
     * passed over, by sequence number.
     */
    private void refill() {
        long stopAt = unwritten.isEmpty() ? Long.MAX_VALUE : unwritten.peekFirst().seq();
        if (queue.headSeq() < stopAt) {
            int[] next = {0};
            home.store().scanFrom(home.queue, owner, Keys.withNumber(owner, queue.headSeq()), (key, value) -> {
                long seq = Keys.numberAtEnd(key);
                if (seq >= stopAt || window.size() >= WINDOW || next[0] >= queue.size()) {
                    return false;
                }
                while (next[0] < queue.size() && queue.seq(next[0]) < seq) {
                    next[0]++; // an entry the queue has and the store not: cannot happen once written
                }
                if (next[0] < queue.size() && queue.seq(next[0]) == seq) {
                    window.add(new Entry(seq, Records.delivery(value)));
                    next[0]++;
                }
                return true;
            });
        }
        while (window.size() < WINDOW && !unwritten.isEmpty()) {
            window.add(unwritten.pollFirst());
        }
    }

    /** Reads the whole queue, keeps what the predicate refuses, and returns the rest in queue order. */
    private List<Delivery> removeQueued(Predicate<Delivery> predicate) {
        List<Entry> all = new ArrayList<>(queue.size());
        all.addAll(window);
        long stopAt = unwritten.isEmpty() ? Long.MAX_VALUE : unwritten.peekFirst().seq();
        long after = window.isEmpty() ? Long.MIN_VALUE : window.peekLast().seq();
        java.util.Set<Long> live = new java.util.HashSet<>();
        for (int i = 0; i < queue.size(); i++) {
            live.add(queue.seq(i));
        }
        home.store().scan(home.queue, owner, (key, value) -> {
            long seq = Keys.numberAtEnd(key);
            if (seq > after && seq < stopAt && live.contains(seq)) {
                all.add(new Entry(seq, Records.delivery(value)));
            }
            return seq < stopAt;
        });
        all.addAll(unwritten);
        List<Delivery> removed = new ArrayList<>();
        queue.clear();
        window.clear();
        unwritten.clear();
        queuedBytes = 0;
        qos0Queued = 0;
        sharedQueued = 0;
        long written = writtenThrough;
        for (Entry e : all) {
            int weight = (int) Math.min(Integer.MAX_VALUE, e.delivery().message().weight());
            if (predicate.test(e.delivery())) {
                removed.add(e.delivery());
                home.batch().delete(home.queue, Keys.withNumber(owner, e.seq()));
                home.removed(weight);
                continue;
            }
            queue.add(e.seq(), weight);
            queuedBytes += weight;
            count(e.delivery(), 1);
            if (window.size() < WINDOW) {
                window.add(e);
            } else if (e.seq() > written) {
                unwritten.add(e); // still on its way to the store: the heap keeps it until it is there
            }
        }
        home.wrote();
        return removed;
    }

    private void count(Delivery d, int by) {
        if (d.qos() == 0) {
            qos0Queued = Math.max(0, qos0Queued + by);
        }
        if (d.shareKey() != null) {
            sharedQueued = Math.max(0, sharedQueued + by);
        }
    }

    // ---- in flight ----

    @Override
    public void putInflight(int packetId, Delivery delivery) {
        long seq = home.nextSeq();
        byte[] record = Records.delivery(delivery, packetId);
        int weight = Records.weight(record);
        Flight old = inflight.put(packetId, new Flight(seq, weight, delivery));
        if (old != null) {
            home.batch().delete(home.inflight, Keys.withNumber(owner, old.seq()));
            inflightBytes -= old.weight();
            home.removed(old.weight());
        }
        home.batch().put(home.inflight, Keys.withNumber(owner, seq), record);
        inflightBytes += weight;
        home.added(weight);
        home.wrote();
    }

    @Override
    public Delivery removeInflight(int packetId) {
        Flight f = inflight.remove(packetId);
        if (f == null) {
            return null;
        }
        home.batch().delete(home.inflight, Keys.withNumber(owner, f.seq()));
        inflightBytes -= f.weight();
        home.removed(f.weight());
        home.wrote();
        return f.delivery();
    }

    @Override
    public Delivery inflight(int packetId) {
        Flight f = inflight.get(packetId);
        return f == null ? null : f.delivery();
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
    public List<Integer> inflightIds() {
        return List.copyOf(inflight.keySet());
    }

    @Override
    public List<Delivery> removeInflightShared() {
        Predicate<Delivery> predicate = d -> d.shareKey() != null;
        List<Delivery> removed = new ArrayList<>();
        Iterator<Map.Entry<Integer, Flight>> it = inflight.entrySet().iterator();
        while (it.hasNext()) {
            Flight f = it.next().getValue();
            if (predicate.test(f.delivery())) {
                it.remove();
                removed.add(f.delivery());
                home.batch().delete(home.inflight, Keys.withNumber(owner, f.seq()));
                inflightBytes -= f.weight();
                home.removed(f.weight());
            }
        }
        if (!removed.isEmpty()) {
            home.wrote();
        }
        return removed;
    }

    // ---- expiry ----

    @Override
    public void expiry(long intervalSeconds, long offlineSinceMillis) {
        expiryInterval = intervalSeconds;
        offlineSince = offlineSinceMillis;
        home.batch().put(home.sessions, owner, Records.expiry(intervalSeconds, offlineSinceMillis));
        home.wrote();
    }
}
