package io.ternmq.server;

import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.config.BrokerConfig;
import io.ternmq.config.Durability;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.StorageConfig;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.core.session.SessionStore;
import io.ternmq.store.DurableSessionStore;
import io.ternmq.store.RocksStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sessions live, as {@code storage.durability} says: the RocksDB store in {@code {data-dir}/store}
 * (sync, async) or the heap (memory). The store is opened in every mode: the device registry lives there. Opened
 * before any listener, closed after the last session has stopped.
 */
final class SessionStorage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStorage.class);

    static final String STORE_DIRECTORY = "store";

    private final SessionStore sessions;
    private final RocksStore rocks;
    private final DurableSessionStore durable;
    private final ControlSocket control;
    private boolean closed;

    private SessionStorage(BrokerConfig config, SessionStore sessions, RocksStore rocks, DurableSessionStore durable) {
        this.sessions = sessions;
        this.rocks = rocks;
        this.durable = durable;
        // ternmq backup reaches the running broker here (it answers that there is no store in memory mode)
        this.control = ControlSocket.open(config.dataDir(), this::backup);
    }

    /** @throws io.ternmq.store.StoreException when the store cannot be opened (start-up stops, exit 2) */
    static SessionStorage open(BrokerConfig config) {
        StorageConfig storage = config.storage();
        LimitsConfig limits = config.limits();
        Path directory = config.dataDir().resolve(STORE_DIRECTORY);
        if (storage.durability() == Durability.MEMORY) {
            // The device registry is kept whatever the sessions' durability.
            RocksStore rocks = RocksStore.open(directory, DeviceRegistry.TABLES, storage.maxBytes());
            LOG.info("sessions on the heap only (storage.durability memory): nothing of them survives a restart");
            return new SessionStorage(config,
                    new InMemorySessionStore(limits.maxQueuedMessages(), limits.maxQueuedBytes()), rocks, null);
        }
        List<String> tables = new ArrayList<>(DurableSessionStore.TABLES);
        tables.addAll(DeviceRegistry.TABLES);
        RocksStore rocks = RocksStore.open(directory, tables, storage.maxBytes());
        try {
            DurableSessionStore durable = new DurableSessionStore(rocks, storage.durability(), storage.syncInterval(),
                    limits.maxQueuedMessages(), limits.maxQueuedBytes(), storage.maxBytes());
            LOG.info("sessions in {} (storage.durability {}): {} kept, {} bytes of messages",
                    directory.toAbsolutePath().normalize(),
                    storage.durability().name().toLowerCase(java.util.Locale.ROOT), durable.size(), durable.bytes());
            return new SessionStorage(config, durable, rocks, durable);
        } catch (RuntimeException e) {
            rocks.close();
            throw e;
        }
    }

    /** The store itself: the device registry lives in it too. */
    RocksStore rocks() {
        return rocks;
    }

    SessionStore sessions() {
        return sessions;
    }

    /** The durable store, or null with {@code storage.durability memory}. */
    DurableSessionStore durable() {
        return durable;
    }

    /** A checkpoint of the running store in {@code target} (which must not exist yet). */
    synchronized Backup.Result backup(Path target) {
        if (closed) {
            throw new Backup.BackupException("the broker is stopping: run the backup again once it has stopped");
        }
        return Backup.take(rocks, Backup.checkTarget(target));
    }

    /** Writes and syncs what is owed, then closes the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (control != null) {
            control.close();
        }
        if (durable != null) {
            durable.close();
        }
        rocks.close();
    }
}
