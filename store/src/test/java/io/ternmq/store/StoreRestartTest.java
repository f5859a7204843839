package io.ternmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.Durability;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.session.KeptSession;
import io.ternmq.core.session.SessionData;
import io.ternmq.core.session.StoredSubscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one process writes, the next one reads: sessions, subscriptions, queues in order, in-flight with ids. */
class StoreRestartTest {

    @TempDir
    Path dataDir;

    private RocksStore rocks;
    private DurableSessionStore store;

    private DurableSessionStore open() {
        rocks = RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES);
        store = new DurableSessionStore(rocks, Durability.SYNC, Duration.ofMillis(10), 10_000, 1L << 30, 1L << 30);
        return store;
    }

    private void closeAll() {
        if (store != null) {
            store.close();
            rocks.close();
            store = null;
        }
    }

    @AfterEach
    void close() {
        closeAll();
    }

    private static Delivery delivery(String payload) {
        return new Delivery(new PublishMessage("a/b", 1, payload.getBytes(StandardCharsets.UTF_8), "pub"), 1);
    }

    private static String payload(Delivery d) {
        return new String(d.message().payload(), StandardCharsets.UTF_8);
    }

    @Test
    void aSessionComesBackWithItsSubscriptionsQueueInOrderInflightAndExpiry() {
        SessionData data = open().create("dev", true);
        data.putSubscription(new StoredSubscription("a/#", 1, false));
        data.putSubscription(new StoredSubscription("$share/g/b", 1, true));
        for (int i = 0; i < 500; i++) {
            data.offer(delivery("m" + i)); // far past the heap's window: most of it is in the store only
        }
        data.putInflight(7, delivery("in-flight seven"));
        data.putInflight(3, delivery("in-flight three"));
        data.expiry(3600, 1_700_000_000_000L);
        long bytes = store.bytes();
        closeAll();

        DurableSessionStore reopened = open();

        assertEquals(List.of(new KeptSession("dev", 3600, 1_700_000_000_000L)), reopened.kept());
        SessionData back = reopened.stored("dev");
        assertEquals(List.of(new StoredSubscription("a/#", 1, false), new StoredSubscription("$share/g/b", 1, true)),
                back.subscriptions());
        assertEquals(List.of(7, 3), back.inflightIds(), "in-flight in the order first sent, with their packet ids");
        assertEquals("in-flight seven", payload(back.inflight(7)));
        assertEquals(500, back.queueSize());
        assertEquals(bytes, reopened.bytes(), "the byte count is read back too");
        List<String> order = new ArrayList<>();
        Delivery d;
        while ((d = back.poll()) != null) {
            order.add(payload(d));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, order);
    }

    @Test
    void aMessageComesBackWithEveryPropertyAndItsExpiry() {
        SessionData data = open().create("dev", true);
        MessageProperties props = new MessageProperties(1, "application/json", "reply/1", new byte[] {9, 8},
                List.of(new UserProperty("k", "v"), new UserProperty("k", "w")));
        long expiresIn = TimeUnit.SECONDS.toNanos(600);
        data.offer(new Delivery(new PublishMessage("a/b", 1, new byte[] {1, 2, 3}, "pub", props,
                System.nanoTime() + expiresIn), 1, "$share/g/a/b"));
        closeAll();

        Delivery back = open().stored("dev").poll();

        assertEquals("$share/g/a/b", back.shareKey());
        assertEquals(props.userProperties(), back.message().properties().userProperties());
        assertEquals("application/json", back.message().properties().contentType());
        assertEquals("reply/1", back.message().properties().responseTopic());
        assertEquals(1, back.message().properties().payloadFormatIndicator());
        long left = back.message().remainingExpirySeconds(System.nanoTime());
        assertTrue(left > 590 && left <= 600, "the remaining expiry survives the restart: " + left);
    }

    @Test
    void removedAndCleanSessionsDoNotComeBack() {
        DurableSessionStore s = open();
        s.create("gone", true).offer(delivery("x"));
        s.remove("gone");
        s.create("clean", false).offer(delivery("y"));
        s.create("kept", true);
        closeAll();

        DurableSessionStore reopened = open();

        assertNull(reopened.stored("gone"));
        assertNull(reopened.stored("clean"));
        assertEquals(1, reopened.size());
        assertEquals(0, reopened.bytes());
    }

    @Test
    void polledAndAcknowledgedMessagesDoNotComeBack() {
        SessionData data = open().create("dev", true);
        for (int i = 0; i < 100; i++) {
            data.offer(delivery("m" + i));
        }
        for (int i = 0; i < 60; i++) {
            data.poll();
        }
        data.putInflight(1, delivery("acked"));
        data.removeInflight(1);
        closeAll();

        SessionData back = open().stored("dev");

        assertEquals(40, back.queueSize());
        assertEquals("m60", payload(back.peek()));
        assertEquals(0, back.inflightSize());
    }

    @Test
    void whatWaitsForAWriteRunsOnceItIsSynced() throws InterruptedException {
        SessionData data = open().create("dev", true);
        CountDownLatch written = new CountDownLatch(1);
        data.offer(delivery("durable"));
        store.whenWritten(written::countDown);

        assertTrue(written.await(10, TimeUnit.SECONDS));
    }

    @Test
    void theStoreIsFullWhenItsMessagesReachThreeQuartersOfItsByteBound() {
        long maxBytes = 8L << 20;
        rocks = RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES, maxBytes);
        store = new DurableSessionStore(rocks, Durability.SYNC, Duration.ofMillis(10), 10_000, 1L << 30, maxBytes);
        SessionData data = store.create("dev", true);
        String payload = "x".repeat(100_000); // compresses to nothing in the files: only the messages' bound is hit
        int offered = 0;
        while (!store.full()) {
            data.offer(delivery(payload));
            offered++;
        }
        assertTrue(store.bytes() >= maxBytes * 3 / 4, store.bytes() + " bytes held");
        assertTrue(store.bytes() < maxBytes * 3 / 4 + 200_000, "full at the first message past the bound");
        assertTrue(store.whyFull().contains("bytes of messages"), store.whyFull());
        assertEquals(offered, data.queueSize());

        data.poll();
        data.poll();
        assertFalse(store.full(), "room again once messages leave");
    }

    @Test
    void aStoreWrittenByANewerSchemaIsRefusedNamingTheDirectory() throws Exception {
        RocksStore first = RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES);
        first.close();
        // A later ternmq writes version 9 into the default table (RocksDB opens a store with all its tables).
        String path = dataDir.resolve("store").toString();
        List<org.rocksdb.ColumnFamilyDescriptor> tables = new ArrayList<>();
        try (org.rocksdb.Options options = new org.rocksdb.Options()) {
            for (byte[] name : org.rocksdb.RocksDB.listColumnFamilies(options, path)) {
                tables.add(new org.rocksdb.ColumnFamilyDescriptor(name));
            }
        }
        List<org.rocksdb.ColumnFamilyHandle> handles = new ArrayList<>();
        try (org.rocksdb.DBOptions options = new org.rocksdb.DBOptions();
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(options, path, tables, handles)) {
            db.put("schema-version".getBytes(StandardCharsets.US_ASCII), new byte[] {9});
            handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
        }

        StoreException e = assertThrows(StoreException.class,
                () -> RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES));

        assertTrue(e.getMessage().contains(dataDir.resolve("store").toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("newer ternmq (schema version 9"), e.getMessage());
    }

    @Test
    void aStoreAnotherOpenerHoldsIsRefused() {
        rocks = RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES);

        StoreException e = assertThrows(StoreException.class,
                () -> RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES));

        assertTrue(e.getMessage().contains("another process holds it"), e.getMessage());
        assertTrue(e.getMessage().contains("give this one another data-dir"), e.getMessage());
        rocks.close();
        rocks = null;
    }

    @Test
    void aCorruptStoreIsRefusedWithWhatToDo() throws Exception {
        RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES).close();
        try (var files = Files.list(dataDir.resolve("store"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
                Files.write(f, "not a manifest".getBytes(StandardCharsets.US_ASCII));
            }
        }

        StoreException e = assertThrows(StoreException.class,
                () -> RocksStore.open(dataDir.resolve("store"), DurableSessionStore.TABLES));

        assertTrue(e.getMessage().contains("cannot be opened"), e.getMessage());
        assertTrue(e.getMessage().contains("restore a backup") || e.getMessage().contains("check that"),
                e.getMessage());
    }
}
