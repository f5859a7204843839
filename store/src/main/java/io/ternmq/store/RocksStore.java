package io.ternmq.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The broker's embedded store: one RocksDB instance in {@code {data-dir}/store}, a column family ("table") per kind
 * of record, binary keys led by a schema-version byte ({@link Keys}). Small on purpose: tables, point reads, prefix
 * scans, atomic batches and a WAL sync; what a record means is its user's business (sessions now, the device
 * registry later).
 *
 * <p>Reads may come from any thread. Writes go through {@link #write}, which only the store's writer calls.
 */
public final class RocksStore implements AutoCloseable {

    /** The layout this build writes; a store written by a newer one is refused rather than misread. */
    public static final int SCHEMA_VERSION = 1;

    private static final byte[] SCHEMA_KEY = "schema-version".getBytes(StandardCharsets.US_ASCII);

    static {
        RocksDB.loadLibrary();
    }

    /** One column family. */
    public static final class Table {
        private final String name;
        private final ColumnFamilyHandle handle;

        private Table(String name, ColumnFamilyHandle handle) {
            this.name = name;
            this.handle = handle;
        }

        public String name() {
            return name;
        }
    }

    /** Receives the records of a scan, in key order; false stops the scan. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(byte[] key, byte[] value);
    }

    private final Path directory;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions tableOptions;
    private final List<ColumnFamilyHandle> handles;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final WriteOptions unsynced = new WriteOptions().setSync(false);
    private final ReadOptions reads = new ReadOptions();
    private final Object compactionLock = new Object();
    private org.rocksdb.CompactRangeOptions compaction;
    private boolean closing;

    private RocksStore(Path directory, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions tableOptions,
                       List<String> names, List<ColumnFamilyHandle> handles) {
        this.directory = directory;
        this.db = db;
        this.dbOptions = dbOptions;
        this.tableOptions = tableOptions;
        this.handles = handles;
        for (int i = 0; i < names.size(); i++) {
            tables.put(names.get(i), new Table(names.get(i), handles.get(i + 1)));
        }
    }

    /** As {@link #open(Path, List, long)} for a store of the default size, 1 GiB. */
    public static RocksStore open(Path directory, List<String> tableNames) {
        return open(directory, tableNames, 1L << 30);
    }

    /**
     * Opens (or creates) the store in {@code directory} with these tables, sized for {@code maxBytes} on disk: the
     * write-ahead log and the write buffers are kept to an eighth of that, so the files track what the tables hold.
     *
     * @throws StoreException when it cannot: locked by another process, corrupt, written by a newer schema
     */
    public static RocksStore open(Path directory, List<String> tableNames, long maxBytes) {
        long walBytes = Math.max(4L << 20, Math.min(64L << 20, maxBytes / 8));
        long writeBuffer = Math.max(1L << 20, Math.min(16L << 20, maxBytes / 32));
        DBOptions dbOptions = null;
        ColumnFamilyOptions tableOptions = null;
        try {
            Files.createDirectories(directory);
            dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                    // The WAL is what a sync makes durable; bounding it bounds the store's files between flushes.
                    .setMaxTotalWalSize(walBytes)
                    .setKeepLogFileNum(2)
                    .setMaxBackgroundJobs(2);
            tableOptions = new ColumnFamilyOptions()
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(writeBuffer)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(16 * 1024));
            // A queue is written once and deleted soon after: compact a file once it is mostly deletions.
            tableOptions.setLevel0FileNumCompactionTrigger(4);
            // Every table already in the store is opened (RocksDB insists), so one written by a later build
            // with more tables still opens for a backup; the schema version guards what the tables hold.
            List<String> names = new ArrayList<>(tableNames);
            for (String existing : existingTables(directory)) {
                if (!names.contains(existing)) {
                    names.add(existing);
                }
            }
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tableOptions));
            for (String name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), tableOptions));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            RocksStore store = new RocksStore(directory, db, dbOptions, tableOptions, names, handles);
            store.checkSchema();
            return store;
        } catch (RocksDBException e) {
            close(dbOptions, tableOptions);
            throw StoreException.cannotOpen(directory, e);
        } catch (java.io.IOException e) {
            close(dbOptions, tableOptions);
            throw new StoreException(directory, "it cannot be created (" + e.getMessage() + ")",
                    "give data-dir a directory the broker can write");
        }
    }

    private static List<String> existingTables(Path directory) throws RocksDBException {
        List<String> names = new ArrayList<>();
        if (!Files.exists(directory.resolve("CURRENT"))) {
            return names;
        }
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, directory.toString())) {
                if (!Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY)) {
                    names.add(new String(name, StandardCharsets.UTF_8));
                }
            }
        }
        return names;
    }

    private static void close(DBOptions dbOptions, ColumnFamilyOptions tableOptions) {
        if (dbOptions != null) {
            dbOptions.close();
        }
        if (tableOptions != null) {
            tableOptions.close();
        }
    }

    private void checkSchema() throws RocksDBException {
        byte[] stored = db.get(SCHEMA_KEY);
        if (stored == null) {
            db.put(SCHEMA_KEY, new byte[] {SCHEMA_VERSION});
            return;
        }
        if (stored.length != 1 || stored[0] > SCHEMA_VERSION) {
            int version = stored.length == 1 ? stored[0] : -1;
            close();
            throw new StoreException(directory, "it was written by a newer ternmq (schema version " + version
                    + ", this build reads " + SCHEMA_VERSION + ")",
                    "run the ternmq version that wrote it, or move the directory away to start empty");
        }
    }

    public Path directory() {
        return directory;
    }

    public Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table " + name + " in " + tables.keySet());
        }
        return t;
    }

    /** The value under this key, or null. */
    public byte[] get(Table table, byte[] key) {
        try {
            return db.get(table.handle, key);
        } catch (RocksDBException e) {
            throw new StoreFailure("read from " + table.name, e);
        }
    }

    /** Every record whose key starts with {@code prefix}, in key order, until the visitor says stop. */
    public void scan(Table table, byte[] prefix, Visitor visitor) {
        scanFrom(table, prefix, prefix, visitor);
    }

    /** The records whose key starts with {@code prefix}, from {@code start} on, in key order. */
    public void scanFrom(Table table, byte[] prefix, byte[] start, Visitor visitor) {
        try (RocksIterator it = db.newIterator(table.handle, reads)) {
            for (it.seek(start); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!Keys.startsWith(key, prefix) || !visitor.visit(key, it.value())) {
                    return;
                }
            }
        }
    }

    /** A batch of puts and deletes over any tables, applied atomically by {@link #write}. */
    public Batch batch() {
        return new Batch(new WriteBatch());
    }

    /**
     * Applies a batch atomically, not yet synced: {@link #syncWal()} makes it durable. The session store's writer
     * groups many batches under one sync this way.
     */
    public void write(Batch batch) {
        try {
            db.write(unsynced, batch.writeBatch);
        } catch (RocksDBException e) {
            throw new StoreFailure("write", e);
        }
    }

    /** Makes everything written so far durable: one fsync of the write-ahead log for any number of batches. */
    public void syncWal() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new StoreFailure("sync", e);
        }
    }

    /** A consistent copy of the store in {@code target} (which must not exist), taken while it runs. */
    public void checkpoint(Path target) {
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StoreFailure("checkpoint to " + target, e);
        }
    }

    /**
     * Flushes the write buffers and compacts every table, so the files shrink to what the tables still hold (and
     * the write-ahead log to nothing). Blocking, for a thread of its own; {@link #close()} cancels it.
     */
    public void compact() {
        org.rocksdb.CompactRangeOptions options;
        synchronized (compactionLock) {
            if (closing || compaction != null) {
                return;
            }
            options = new org.rocksdb.CompactRangeOptions();
            compaction = options;
        }
        try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            for (Table t : tables.values()) {
                if (options.canceled()) {
                    break;
                }
                db.flush(flush, t.handle);
                db.compactRange(t.handle, null, null, options);
            }
        } catch (RocksDBException e) {
            if (!options.canceled()) {
                throw new StoreFailure("compaction", e);
            }
        } finally {
            synchronized (compactionLock) {
                compaction = null;
                compactionLock.notifyAll();
            }
            options.close();
        }
    }

    private void stopCompaction() {
        synchronized (compactionLock) {
            closing = true;
            if (compaction != null) {
                compaction.setCanceled(true);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (compaction != null && System.nanoTime() < deadline) {
                try {
                    compactionLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** What the store's files hold now, in bytes: its SST files and its live write-ahead log. */
    public long fileBytes() {
        synchronized (compactionLock) {
            if (closing) {
                return -1;
            }
        }
        try {
            long wal = db.getLongProperty("rocksdb.live-wal-files-size");
            long sst = 0;
            for (Table t : tables.values()) {
                sst += db.getLongProperty(t.handle, "rocksdb.live-sst-files-size");
            }
            return sst + wal;
        } catch (RocksDBException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        stopCompaction();
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            // closing anyway
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        unsynced.close();
        reads.close();
        close(dbOptions, tableOptions);
    }

    /** Puts and deletes to apply together. Not thread-safe: one owner thread fills it. */
    public static final class Batch implements AutoCloseable {
        private final WriteBatch writeBatch;

        private Batch(WriteBatch writeBatch) {
            this.writeBatch = writeBatch;
        }

        public void put(Table table, byte[] key, byte[] value) {
            try {
                writeBatch.put(table.handle, key, value);
            } catch (RocksDBException e) {
                throw new StoreFailure("batch put", e);
            }
        }

        public void delete(Table table, byte[] key) {
            try {
                writeBatch.delete(table.handle, key);
            } catch (RocksDBException e) {
                throw new StoreFailure("batch delete", e);
            }
        }

        /** Deletes every key that starts with {@code prefix}. */
        public void deletePrefix(Table table, byte[] prefix) {
            try {
                writeBatch.deleteRange(table.handle, prefix, Keys.prefixEnd(prefix));
            } catch (RocksDBException e) {
                throw new StoreFailure("batch delete range", e);
            }
        }

        public boolean isEmpty() {
            return writeBatch.count() == 0;
        }

        public int count() {
            return writeBatch.count();
        }

        @Override
        public void close() {
            writeBatch.close();
        }
    }

    @Override
    public String toString() {
        return "RocksStore" + Arrays.asList(directory, tables.keySet());
    }
}
