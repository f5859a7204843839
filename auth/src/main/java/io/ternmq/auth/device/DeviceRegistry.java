package io.ternmq.auth.device;

import io.ternmq.store.RocksStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The registered devices, in the broker's store ({@link #TABLES}): what a device signs in with, whether it may,
 * and when and where it was last seen. Sign-in reads it on the sign-in executor and records {@link #online}; the
 * admin API creates, lists, imports, disables and deletes.
 *
 * <p>Thread-safe. Reads go straight to the store. Changes of one device read and then write it, so they are
 * serialised by one lock (a create must see a concurrent create, and {@link #online} must not bring back a device
 * deleted meanwhile); an import takes the lock one batch at a time, so sign-ins go on during a large one. The
 * admin changes are made durable ({@link RocksStore#syncWal()}) before they return; the last-online record is not,
 * since losing it in a crash costs nothing.
 */
public final class DeviceRegistry {

    /** The store tables the registry needs; the caller opens the store with them. */
    public static final List<String> TABLES = List.of("devices");

    /** Devices written in one atomic store batch by {@link #importDevices}. */
    static final int IMPORT_BATCH = 10_000;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A page of {@link #list}: the devices in name order and the cursor for the next page, null at the end. */
    public record Page(List<Device> devices, String next) {
        public Page {
            devices = List.copyOf(devices);
        }
    }

    /**
     * What an import did.
     *
     * @param created the devices registered, with their secrets (generated ones included): the only time the
     *                caller sees a generated secret
     * @param skipped the names of the devices that existed already, left as they were, in the order given
     */
    public record ImportResult(List<Device> created, List<String> skipped) {
        public ImportResult {
            created = List.copyOf(created);
            skipped = List.copyOf(skipped);
        }
    }

    private final RocksStore store;
    private final RocksStore.Table devices;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Object writeLock = new Object();

    public DeviceRegistry(RocksStore store) {
        this(store, Clock.systemUTC());
    }

    /** With the clock that stamps creation times: a fixed one in tests. */
    public DeviceRegistry(RocksStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.devices = store.table(TABLES.get(0));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Registers a device, enabled.
     *
     * @param secret its secret, or null for a generated one (32 lower-case hex characters, 128 random bits)
     * @throws DeviceException INVALID naming the field that breaks the rules, CONFLICT when it exists
     */
    public Device create(String productKey, String deviceName, String secret) {
        DeviceNames.checkProductKey(productKey, "productKey");
        DeviceNames.checkDeviceName(deviceName, "deviceName");
        DeviceNames.checkSecret(secret, "deviceSecret");
        Device device = new Device(productKey, deviceName, secret != null ? secret : generateSecret(), true,
                clock.millis(), 0, null);
        byte[] key = DeviceRecord.key(productKey, deviceName);
        synchronized (writeLock) {
            if (store.get(devices, key) != null) {
                throw new DeviceException(DeviceException.Kind.CONFLICT, "deviceName",
                        "device " + productKey + "/" + deviceName + " exists already");
            }
            put(key, device);
        }
        store.syncWal();
        return device;
    }

    /** The device, or empty when it is not registered (or its names could not be registered). */
    public Optional<Device> get(String productKey, String deviceName) {
        if (!DeviceNames.validProductKey(productKey) || !DeviceNames.validDeviceName(deviceName)) {
            return Optional.empty();
        }
        byte[] value = store.get(devices, DeviceRecord.key(productKey, deviceName));
        return value == null ? Optional.empty() : Optional.of(DeviceRecord.decode(productKey, deviceName, value));
    }

    /**
     * One page of a product's devices in device name order.
     *
     * @param after the last name of the previous page (exclusive), or null for the first page
     * @param limit at most this many, 1 or more
     * @throws DeviceException INVALID for a bad product key or limit
     */
    public Page list(String productKey, String after, int limit) {
        DeviceNames.checkProductKey(productKey, "productKey");
        if (limit < 1) {
            throw DeviceNames.invalid("limit", "limit must be 1 or more, got " + limit);
        }
        byte[] prefix = DeviceRecord.productPrefix(productKey);
        byte[] start = after == null ? prefix : DeviceRecord.key(productKey, after);
        List<Device> page = new ArrayList<>(Math.min(limit, 1024));
        boolean[] more = {false};
        store.scanFrom(devices, prefix, start, (key, value) -> {
            String name = DeviceRecord.deviceName(key, prefix.length);
            if (after != null && name.equals(after)) {
                return true;
            }
            if (page.size() == limit) {
                more[0] = true;
                return false;
            }
            page.add(DeviceRecord.decode(productKey, name, value));
            return true;
        });
        return new Page(page, more[0] ? page.get(page.size() - 1).deviceName() : null);
    }

    /** A page of {@link #products}: product keys in order and the cursor for the next page, null at the end. */
    public record ProductPage(List<String> productKeys, String next) {
        public ProductPage {
            productKeys = List.copyOf(productKeys);
        }
    }

    /**
     * The product keys that have devices, in order: one seek a product (past all of its devices, whose keys share
     * the product's prefix), so a page costs its length, not the number of devices.
     *
     * @param after the last product key of the previous page (exclusive), or null for the first page
     * @param limit at most this many, 1 or more
     */
    public ProductPage products(String after, int limit) {
        if (limit < 1) {
            throw DeviceNames.invalid("limit", "limit must be 1 or more, got " + limit);
        }
        if (after != null) {
            DeviceNames.checkProductKey(after, "after");
        }
        List<String> page = new ArrayList<>(Math.min(limit, 1024));
        byte[] start = after == null ? new byte[0] : pastProduct(after);
        while (true) {
            String[] found = {null};
            store.scanFrom(devices, new byte[0], start, (key, value) -> {
                int end = 0;
                while (end < key.length && key[end] != 0) {
                    end++;
                }
                found[0] = new String(key, 0, end, StandardCharsets.UTF_8);
                return false;
            });
            if (found[0] == null) {
                return new ProductPage(page, null);
            }
            if (page.size() == limit) {
                return new ProductPage(page, page.get(page.size() - 1));
            }
            page.add(found[0]);
            start = pastProduct(found[0]);
        }
    }

    /** The first key after every key of the product: its prefix with the 0 separator raised to 1. */
    private static byte[] pastProduct(String productKey) {
        byte[] past = DeviceRecord.productPrefix(productKey);
        past[past.length - 1] = 1;
        return past;
    }

    /** How many devices the product has: a scan of its keys, for the admin API rather than a hot path. */
    public long count(String productKey) {
        DeviceNames.checkProductKey(productKey, "productKey");
        long[] count = {0};
        store.scan(devices, DeviceRecord.productPrefix(productKey), (key, value) -> {
            count[0]++;
            return true;
        });
        return count[0];
    }

    /**
     * Enables or disables a device. A disabled device keeps its secret and history but may not sign in; its
     * current connection is the caller's to close.
     *
     * @return the device as it is now, or empty when it is not registered
     */
    public Optional<Device> setEnabled(String productKey, String deviceName, boolean enabled) {
        Optional<Device> changed = update(productKey, deviceName, d -> new Device(d.productKey(), d.deviceName(),
                d.deviceSecret(), enabled, d.createdAtMillis(), d.lastOnlineAtMillis(), d.lastAddress()));
        changed.ifPresent(d -> store.syncWal());
        return changed;
    }

    /** Forgets a device. @return whether it was registered */
    public boolean delete(String productKey, String deviceName) {
        if (!DeviceNames.validProductKey(productKey) || !DeviceNames.validDeviceName(deviceName)) {
            return false;
        }
        byte[] key = DeviceRecord.key(productKey, deviceName);
        synchronized (writeLock) {
            if (store.get(devices, key) == null) {
                return false;
            }
            try (RocksStore.Batch batch = store.batch()) {
                batch.delete(devices, key);
                store.write(batch);
            }
        }
        store.syncWal();
        return true;
    }

    /**
     * Records a sign-in: when and from where. Nothing happens for a device deleted since it signed in, which is no
     * error: the sign-in raced the admin API and lost.
     */
    public void online(String productKey, String deviceName, long atMillis, String address) {
        update(productKey, deviceName, d -> new Device(d.productKey(), d.deviceName(), d.deviceSecret(),
                d.enabled(), d.createdAtMillis(), atMillis, address));
    }

    private Optional<Device> update(String productKey, String deviceName,
                                    UnaryOperator<Device> change) {
        if (!DeviceNames.validProductKey(productKey) || !DeviceNames.validDeviceName(deviceName)) {
            return Optional.empty();
        }
        byte[] key = DeviceRecord.key(productKey, deviceName);
        synchronized (writeLock) {
            byte[] value = store.get(devices, key);
            if (value == null) {
                return Optional.empty();
            }
            Device changed = change.apply(DeviceRecord.decode(productKey, deviceName, value));
            put(key, changed);
            return Optional.of(changed);
        }
    }

    /**
     * Registers many devices of one product: a fleet of 100,000 in a few seconds. The whole list is checked
     * first, so a bad item writes nothing; then it is written in atomic batches of {@value #IMPORT_BATCH}. A
     * device that exists already is left as it is and reported, so an import that failed half-way (a full disk)
     * can simply be run again.
     *
     * @throws DeviceException INVALID naming the item and field ("devices[3].deviceName") for a bad name or
     *                         secret or a name given twice
     */
    public ImportResult importDevices(String productKey, List<NewDevice> list) {
        DeviceNames.checkProductKey(productKey, "productKey");
        Map<String, Integer> seen = new HashMap<>(list.size() * 2);
        for (int i = 0; i < list.size(); i++) {
            NewDevice item = list.get(i);
            if (item == null) {
                throw DeviceNames.invalid("devices[" + i + "]", "devices[" + i + "] is empty");
            }
            DeviceNames.checkDeviceName(item.deviceName(), "devices[" + i + "].deviceName");
            DeviceNames.checkSecret(item.deviceSecret(), "devices[" + i + "].deviceSecret");
            Integer first = seen.putIfAbsent(item.deviceName(), i);
            if (first != null) {
                throw DeviceNames.invalid("devices[" + i + "].deviceName", "devices[" + i + "].deviceName \""
                        + item.deviceName() + "\" is given twice (also devices[" + first + "])");
            }
        }
        long now = clock.millis();
        List<Device> created = new ArrayList<>(list.size());
        List<String> skipped = new ArrayList<>();
        for (int from = 0; from < list.size(); from += IMPORT_BATCH) {
            List<NewDevice> chunk = list.subList(from, Math.min(list.size(), from + IMPORT_BATCH));
            synchronized (writeLock) {
                try (RocksStore.Batch batch = store.batch()) {
                    for (NewDevice item : chunk) {
                        byte[] key = DeviceRecord.key(productKey, item.deviceName());
                        if (store.get(devices, key) != null) {
                            skipped.add(item.deviceName());
                            continue;
                        }
                        String secret = item.deviceSecret() != null ? item.deviceSecret() : generateSecret();
                        Device device = new Device(productKey, item.deviceName(), secret, true, now, 0, null);
                        batch.put(devices, key, DeviceRecord.encode(device));
                        created.add(device);
                    }
                    if (!batch.isEmpty()) {
                        store.write(batch);
                    }
                }
            }
        }
        store.syncWal();
        return new ImportResult(created, skipped);
    }

    /**
     * The devices of a CSV import: one {@code deviceName[,deviceSecret]} a line, an optional header line
     * {@code deviceName,deviceSecret} (any case), blank lines ignored, an empty secret generated. Fields are
     * trimmed; there is no quoting, since neither names nor secrets may hold a comma, a quote or a space.
     *
     * @throws DeviceException INVALID naming the line ("line 7") and what is wrong with it
     */
    public static List<NewDevice> parseCsv(String text) {
        List<NewDevice> parsed = new ArrayList<>();
        // A spreadsheet's UTF-8 export starts with a byte order mark.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] lines = body.split("\r\n|\n|\r", -1);
        boolean first = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + (i + 1);
            String[] fields = line.split(",", -1);
            if (first) {
                first = false;
                if (header(fields)) {
                    continue;
                }
            }
            if (fields.length > 2) {
                throw DeviceNames.invalid(where, where + ": expected deviceName[,deviceSecret], got "
                        + fields.length + " fields");
            }
            String name = fields[0].trim();
            String secret = fields.length == 2 && !fields[1].trim().isEmpty() ? fields[1].trim() : null;
            DeviceNames.checkDeviceName(name, where + " deviceName");
            DeviceNames.checkSecret(secret, where + " deviceSecret");
            parsed.add(new NewDevice(name, secret));
        }
        return parsed;
    }

    private static boolean header(String[] fields) {
        return fields.length >= 1 && fields.length <= 2 && fields[0].trim().equalsIgnoreCase("deviceName")
                && (fields.length == 1 || fields[1].trim().equalsIgnoreCase("deviceSecret"));
    }

    private void put(byte[] key, Device device) {
        try (RocksStore.Batch batch = store.batch()) {
            batch.put(devices, key, DeviceRecord.encode(device));
            store.write(batch);
        }
    }

    private String generateSecret() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        char[] hex = new char[32];
        for (int i = 0; i < bytes.length; i++) {
            hex[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(hex);
    }
}
