package io.ternmq.store;

import io.ternmq.config.Durability;
import io.ternmq.core.session.SessionStore;
import io.ternmq.core.session.SessionStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The RocksDB store against the contract every session store passes. */
class DurableSessionStoreTest extends SessionStoreContract {

    private RocksStore rocks;

    @Override
    protected SessionStore newStore(int maxQueued) throws Exception {
        Path dir = Files.createTempDirectory("ternmq-store-contract");
        rocks = RocksStore.open(dir.resolve("store"), DurableSessionStore.TABLES);
        return new DurableSessionStore(rocks, Durability.SYNC, Duration.ofMillis(10), maxQueued, MAX_QUEUED_BYTES,
                1L << 30);
    }

    @Override
    protected void closeStore(SessionStore store) {
        ((DurableSessionStore) store).close();
        rocks.close();
    }
}
