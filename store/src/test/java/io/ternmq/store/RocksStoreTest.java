package io.ternmq.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The general store: tables, one owner's records read by one prefix scan, batches, checkpoints. */
class RocksStoreTest {

    @TempDir
    Path dir;

    private RocksStore store;
    private RocksStore.Table records;

    @BeforeEach
    void open() {
        store = RocksStore.open(dir.resolve("store"), List.of("records", "others"));
        records = store.table("records");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void onePrefixScanReadsOneOwnersRecordsInKeyOrderAndNoOneElses() {
        // "a" is a prefix of "ab" as text, not as a key: the length before the id keeps owners apart.
        try (RocksStore.Batch batch = store.batch()) {
            for (String owner : List.of("ab", "a", "b", "")) {
                for (long n : new long[] {300, 2, 1L << 40, 0}) {
                    batch.put(records, Keys.withNumber(Keys.owner(owner), n), text(owner + ":" + n));
                }
            }
            store.write(batch);
        }

        assertEquals(List.of("a:0", "a:2", "a:300", "a:1099511627776"), scan(Keys.owner("a")));
        assertEquals(List.of("ab:0", "ab:2", "ab:300", "ab:1099511627776"), scan(Keys.owner("ab")));
        assertEquals(List.of(":0", ":2", ":300", ":1099511627776"), scan(Keys.owner("")));
    }

    @Test
    void aScanCanStartWithinThePrefixAndStopWhenTold() {
        byte[] owner = Keys.owner("dev");
        try (RocksStore.Batch batch = store.batch()) {
            for (long n = 0; n < 10; n++) {
                batch.put(records, Keys.withNumber(owner, n), text("m" + n));
            }
            store.write(batch);
        }
        List<String> seen = new ArrayList<>();
        store.scanFrom(records, owner, Keys.withNumber(owner, 6), (key, value) -> {
            seen.add(new String(value, StandardCharsets.UTF_8));
            return seen.size() < 3;
        });
        assertEquals(List.of("m6", "m7", "m8"), seen);
    }

    @Test
    void aBatchDeletesAPrefixAndLeavesTheNeighbours() {
        try (RocksStore.Batch batch = store.batch()) {
            for (String owner : List.of("x", "xy", "w")) {
                batch.put(records, Keys.withString(Keys.owner(owner), "f"), text(owner));
            }
            store.write(batch);
        }
        try (RocksStore.Batch batch = store.batch()) {
            batch.deletePrefix(records, Keys.owner("x"));
            store.write(batch);
        }
        assertEquals(List.of(), scan(Keys.owner("x")));
        assertEquals(List.of("xy"), scan(Keys.owner("xy")));
        assertEquals(List.of("w"), scan(Keys.owner("w")));
    }

    @Test
    void tablesAreSeparateAndATableALaterBuildAddedStillOpens() {
        byte[] key = Keys.owner("k");
        try (RocksStore.Batch batch = store.batch()) {
            batch.put(store.table("others"), key, text("other"));
            store.write(batch);
        }
        assertNull(store.get(records, key));
        store.close();

        // This build knows only "records"; the store also has "others", which RocksDB insists be opened too.
        store = RocksStore.open(dir.resolve("store"), List.of("records"));
        records = store.table("records");
        assertArrayEquals(text("other"), store.get(store.table("others"), key));
    }

    @Test
    void aCheckpointIsAStoreOfItsOwnWithEverythingWritten() {
        try (RocksStore.Batch batch = store.batch()) {
            batch.put(records, Keys.owner("kept"), text("v"));
            store.write(batch); // written, not flushed: the checkpoint flushes it
        }
        Path copy = dir.resolve("copy");
        store.checkpoint(copy);
        try (RocksStore restored = RocksStore.open(copy, List.of("records", "others"))) {
            assertArrayEquals(text("v"), restored.get(restored.table("records"), Keys.owner("kept")));
        }
    }

    private List<String> scan(byte[] prefix) {
        List<String> out = new ArrayList<>();
        store.scan(records, prefix, (key, value) -> out.add(new String(value, StandardCharsets.UTF_8)));
        return out;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
