package io.ternmq.store;

import io.ternmq.config.Durability;
import io.ternmq.core.session.InMemorySessionData;
import io.ternmq.core.session.KeptSession;
import io.ternmq.core.session.SessionData;
import io.ternmq.core.session.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent sessions in the {@link RocksStore}, clean ones on the heap. Its tables, each keyed by the session's
 * client id first ({@link Keys}), so one prefix scan reads one session:
 * <pre>
 *   sessions       [id]                the Session Expiry Interval and since when the session is offline
 *   subscriptions  [id][filter]        the options byte (granted QoS, No Local)
 *   queue          [id][sequence]      a queued delivery, read back in sequence order
 *   inflight       [id][sequence]      a delivery sent and not yet acknowledged, with its packet id
 * </pre>
 * Every write goes into the owner thread's batch of the pass, which the {@link StoreWriter} commits with one sync
 * for every thread's batch; {@link #whenWritten} is how a publisher's PUBACK waits for that.
 */
public final class DurableSessionStore implements SessionStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DurableSessionStore.class);

    static final String SESSIONS = "sessions";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String QUEUE = "queue";
    static final String INFLIGHT = "inflight";

    /** The tables this store keeps in a {@link RocksStore}. */
    public static final List<String> TABLES = List.of(SESSIONS, SUBSCRIPTIONS, QUEUE, INFLIGHT);

    private final RocksStore store;
    private final StoreWriter writer;
    final RocksStore.Table sessions;
    final RocksStore.Table subscriptions;
    final RocksStore.Table queue;
    final RocksStore.Table inflight;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final long maxBytes;
    /** New messages are refused once those held reach this: 3/4 of storage.max-bytes. */
    private final long refuseAt;
    /** Or once the files reach this, 7/8: the rest is room for compaction's new files before the old ones go. */
    private final long refuseFilesAt;
    private volatile long measuredFileBytes;
    private volatile long usableSpace = Long.MAX_VALUE;
    private final java.util.concurrent.atomic.AtomicBoolean compacting = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, DurableSessionData> kept = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Sequence numbers for queue and in-flight keys: rising across restarts (they start above every stored one). */
    private final AtomicLong seq;

    /**
     * Loads every kept session from {@code store} (which must have {@link #TABLES}).
     *
     * @param maxQueued      each session's queue bound by count ({@code limits.max-queued-messages})
     * @param maxQueuedBytes and by bytes ({@code limits.max-queued-bytes})
     * @param maxBytes       the bytes of messages the store holds before it refuses more ({@code storage.max-bytes})
     */
    public DurableSessionStore(RocksStore store, Durability durability, Duration syncInterval, int maxQueued,
                               long maxQueuedBytes, long maxBytes) {
        if (durability == Durability.MEMORY) {
            throw new IllegalArgumentException("storage.durability memory keeps no store");
        }
        this.store = store;
        this.sessions = store.table(SESSIONS);
        this.subscriptions = store.table(SUBSCRIPTIONS);
        this.queue = store.table(QUEUE);
        this.inflight = store.table(INFLIGHT);
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxBytes = maxBytes;
        this.refuseAt = maxBytes - maxBytes / 4;
        this.refuseFilesAt = maxBytes - maxBytes / 8;
        long highest = load();
        this.seq = new AtomicLong(Math.max(highest + 1, System.currentTimeMillis() << 16));
        measure();
        this.writer = new StoreWriter(store, durability, syncInterval, this::measure);
    }

    /** Reads every session back; returns the highest sequence number in use. */
    private long load() {
        long[] highest = {0};
        byte[] all = {RocksStore.SCHEMA_VERSION};
        store.scan(sessions, all, (key, value) -> {
            String id = Keys.ownerOf(key);
            DurableSessionData data = new DurableSessionData(this, id);
            data.loadExpiry(value);
            kept.put(id, data);
            return true;
        });
        for (DurableSessionData data : kept.values()) {
            store.scan(subscriptions, data.owner(), (key, value) -> {
                data.loadSubscription(key, value);
                return true;
            });
            store.scan(inflight, data.owner(), (key, value) -> {
                data.loadInflight(key, value);
                highest[0] = Math.max(highest[0], Keys.numberAtEnd(key));
                return true;
            });
            store.scan(queue, data.owner(), (key, value) -> {
                data.loadQueued(key, value);
                highest[0] = Math.max(highest[0], Keys.numberAtEnd(key));
                return true;
            });
            bytes.addAndGet(data.bytes());
        }
        return highest[0];
    }

    @Override
    public SessionData createShare(int parts) {
        return InMemorySessionData.share(maxQueued, maxQueuedBytes, parts);
    }

    @Override
    public SessionData create(String clientId, boolean persistent) {
        if (!persistent) {
            return new InMemorySessionData(maxQueued, maxQueuedBytes);
        }
        forget(clientId);
        DurableSessionData data = new DurableSessionData(this, clientId);
        kept.put(clientId, data);
        data.expiry(0, 0);
        return data;
    }

    @Override
    public SessionData stored(String clientId) {
        return kept.get(clientId);
    }

    @Override
    public void remove(String clientId) {
        if (forget(clientId)) {
            wrote();
        }
    }

    /** Takes a session out of the store, every table at once; true if there was one. */
    private boolean forget(String clientId) {
        DurableSessionData old = kept.remove(clientId);
        if (old == null) {
            return false;
        }
        bytes.addAndGet(-old.bytes());
        RocksStore.Batch batch = batch();
        byte[] owner = Keys.owner(clientId);
        batch.delete(sessions, owner);
        batch.deletePrefix(subscriptions, owner);
        batch.deletePrefix(queue, owner);
        batch.deletePrefix(inflight, owner);
        return true;
    }

    @Override
    public int size() {
        return kept.size();
    }

    @Override
    public List<KeptSession> kept() {
        List<KeptSession> out = new ArrayList<>(kept.size());
        for (DurableSessionData d : kept.values()) {
            out.add(new KeptSession(d.clientId(), d.expiryInterval(), d.offlineSince()));
        }
        return out;
    }

    @Override
    public void whenWritten(Runnable action) {
        writer.whenWritten(action);
    }

    /**
     * Full once the messages it holds reach 3/4 of {@code storage.max-bytes}, or its files on disk (the write-ahead
     * log and the tables' files, measured after the writes at most every {@link StoreWriter#MEASURE_EVERY_MILLIS})
     * reach 7/8 of it: the rest is room for the log and for compaction's new files before the old ones go. Full
     * too while the disk has less than {@link #MIN_FREE_BYTES} left, and for good once a write failed.
     */
    @Override
    public boolean full() {
        return bytes.get() >= refuseAt || measuredFileBytes >= refuseFilesAt || usableSpace < MIN_FREE_BYTES
                || writer.failed();
    }

    @Override
    public String whyFull() {
        if (writer.failed()) {
            return "a write to the store failed (see the error logged then)";
        }
        if (usableSpace < MIN_FREE_BYTES) {
            return "the disk of " + store.directory() + " has " + usableSpace + " bytes left";
        }
        if (measuredFileBytes >= refuseFilesAt) {
            return "the store's files take " + measuredFileBytes + " bytes, 7/8 of storage.max-bytes " + maxBytes
                    + " (they shrink as RocksDB compacts what was delivered)";
        }
        return "the store holds " + bytes.get() + " bytes of messages, 3/4 of storage.max-bytes " + maxBytes;
    }

    /** The disk room below which new messages for persistent sessions are refused, whatever storage.max-bytes. */
    static final long MIN_FREE_BYTES = 64L * 1024 * 1024;

    /**
     * Called by the writer: what the files take, and what the disk has left. Files at their bound that mostly hold
     * what was delivered since are compacted at once, on a thread of their own: waiting for RocksDB to compact them
     * in its own time could wait for ever, since a full store takes no writes to set that off.
     */
    private void measure() {
        long files = store.fileBytes();
        if (files >= 0) {
            measuredFileBytes = files;
        }
        if (files >= refuseFilesAt && bytes.get() < files / 2 && compacting.compareAndSet(false, true)) {
            Thread compactor = new Thread(() -> {
                try {
                    store.compact();
                    LOG.info("store compacted: its files took {} bytes for {} bytes of messages", files,
                            bytes.get());
                } catch (RuntimeException e) {
                    LOG.warn("store compaction failed: {}", e.getMessage());
                } finally {
                    compacting.set(false);
                }
            }, "ternmq-store-compaction");
            compactor.setDaemon(true);
            compactor.start();
        }
        try {
            usableSpace = java.nio.file.Files.getFileStore(store.directory()).getUsableSpace();
        } catch (java.io.IOException e) {
            usableSpace = Long.MAX_VALUE; // unknown: the byte bound still holds
        }
    }

    /** The bytes of messages the sessions hold in the store (queued and in flight). */
    public long bytes() {
        return bytes.get();
    }

    /** What the store's files took on disk at the last measurement, SST files and the live write-ahead log. */
    public long fileBytes() {
        return measuredFileBytes;
    }

    /** Syncs of the write-ahead log so far: with {@code sync}, one per group of passes written together. */
    public long syncCount() {
        return writer.syncs();
    }

    /** The time those syncs took, in all, nanoseconds. */
    public long syncNanos() {
        return writer.syncNanos();
    }

    /** Batches written so far: one per event loop per pass that changed a persistent session. */
    public long batchCount() {
        return writer.batchesWritten();
    }

    /** Writes what is waiting and stops the writer; the {@link RocksStore} stays open for its owner to close. */
    @Override
    public void close() {
        writer.close();
    }

    // ---- for DurableSessionData ----

    RocksStore store() {
        return store;
    }

    RocksStore.Batch batch() {
        return writer.batch();
    }

    void wrote() {
        writer.wrote();
    }

    long nextSeq() {
        return seq.getAndIncrement();
    }

    void added(long weight) {
        bytes.addAndGet(weight);
    }

    void removed(long weight) {
        bytes.addAndGet(-weight);
    }

    int maxQueued() {
        return maxQueued;
    }

    long maxQueuedBytes() {
        return maxQueuedBytes;
    }
}
