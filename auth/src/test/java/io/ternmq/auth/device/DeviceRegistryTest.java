package io.ternmq.auth.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.store.RocksStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The device registry on a real store. */
class DeviceRegistryTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private RocksStore store;
    private DeviceRegistry registry;

    @BeforeEach
    void open() {
        store = RocksStore.open(dir.resolve("store"), DeviceRegistry.TABLES);
        registry = new DeviceRegistry(store, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void createThenGet() {
        Device created = registry.create("a1B2c3", "lamp-01", "s3cret!");
        assertEquals(new Device("a1B2c3", "lamp-01", "s3cret!", true, NOW, 0, null), created);
        assertEquals(Optional.of(created), registry.get("a1B2c3", "lamp-01"));
        assertEquals(Optional.empty(), registry.get("a1B2c3", "lamp-02"));
        assertEquals(Optional.empty(), registry.get("other", "lamp-01"));
    }

    @Test
    void aGeneratedSecretIs32LowerCaseHexCharacters() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String secret = registry.create("pk", "device-" + i, null).deviceSecret();
            assertTrue(secret.matches("[0-9a-f]{32}"), secret);
            secrets.add(secret);
        }
        assertEquals(20, secrets.size(), "every secret its own");
    }

    @Test
    void creatingAnExistingDeviceIsAConflict() {
        registry.create("pk", "lamp-01", "one");
        DeviceException e = assertThrows(DeviceException.class, () -> registry.create("pk", "lamp-01", "two"));
        assertEquals(DeviceException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("pk/lamp-01"), e.getMessage());
        assertEquals("one", registry.get("pk", "lamp-01").orElseThrow().deviceSecret(), "the first one stays");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "pk/x", "pk x", "pk.x", "p:k", "abcdefghijklmnopqrstuvwxyz0123456", "pk\u0000",
        "ü", "sys", "broadcast", "ext"})
    void aBadProductKeyIsInvalid(String productKey) {
        DeviceException e = assertThrows(DeviceException.class, () -> registry.create(productKey, "lamp-01", null));
        assertEquals(DeviceException.Kind.INVALID, e.kind());
        assertEquals("productKey", e.field());
        assertTrue(e.getMessage().startsWith("productKey "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "lamp/01", "lamp 01", "lamp+01", "lamp#01", "lamp&01", "lamp|01",
        "abcdefghijklmnopqrstuvwxyz0123456", "lämp", "lamp\n01"})
    void aBadDeviceNameIsInvalid(String deviceName) {
        DeviceException e = assertThrows(DeviceException.class, () -> registry.create("pk", deviceName, null));
        assertEquals(DeviceException.Kind.INVALID, e.kind());
        assertEquals("deviceName", e.field());
        assertFalse(e.getMessage().contains("\n"), "a control character is escaped: " + e.getMessage());
    }

    @Test
    void theNameRulesAllowWhatTheLinkPlatformAllows() {
        registry.create("Ab_-09", "a_b.c:d@e-f", null);
        registry.create("p".repeat(32), "d".repeat(32), null);
        registry.create("p", "dddd", null);
        assertEquals(1, registry.count("Ab_-09"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "with space", "tab\there", "ü-umlaut", "\u007f"})
    void aBadSecretIsInvalidAndNotQuoted(String secret) {
        DeviceException e = assertThrows(DeviceException.class, () -> registry.create("pk", "lamp-01", secret));
        assertEquals("deviceSecret", e.field());
        if (!secret.isEmpty()) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }

    @Test
    void aSecretMayBe128PrintableCharacters() {
        String longest = "!~".repeat(64);
        assertEquals(longest, registry.create("pk", "lamp-01", longest).deviceSecret());
        assertThrows(DeviceException.class, () -> registry.create("pk", "lamp-02", longest + "x"));
    }

    @Test
    void theSecretStaysOutOfToString() {
        Device device = registry.create("pk", "lamp-01", "hunter2hunter2");
        assertFalse(device.toString().contains("hunter2"), device.toString());
        assertFalse(new NewDevice("lamp-01", "hunter2hunter2").toString().contains("hunter2"));
    }

    @Test
    void listPagesInNameOrderWithAnExclusiveCursor() {
        for (String name : List.of("dev-c", "dev-a", "dev-e", "dev-b", "dev-d")) {
            registry.create("pk", name, null);
        }
        registry.create("pk2", "dev-a", null);
        registry.create("p", "dev-z", null);

        DeviceRegistry.Page first = registry.list("pk", null, 2);
        assertEquals(List.of("dev-a", "dev-b"), names(first));
        assertEquals("dev-b", first.next());
        DeviceRegistry.Page second = registry.list("pk", first.next(), 2);
        assertEquals(List.of("dev-c", "dev-d"), names(second));
        DeviceRegistry.Page last = registry.list("pk", second.next(), 2);
        assertEquals(List.of("dev-e"), names(last));
        assertNull(last.next());

        DeviceRegistry.Page exact = registry.list("pk", null, 5);
        assertEquals(5, exact.devices().size());
        assertNull(exact.next(), "no next cursor when the page ends with the last device");
        assertEquals(List.of("dev-c", "dev-d", "dev-e"), names(registry.list("pk", "dev-bb", 10)),
                "a cursor need not be a device");
        assertEquals(List.of(), names(registry.list("pk", "dev-e", 10)));
        assertEquals(List.of(), names(registry.list("none", null, 10)));
        assertEquals(List.of("dev-a"), names(registry.list("pk2", null, 10)));
        assertEquals(5, registry.count("pk"));
        assertEquals(0, registry.count("none"));
    }

    @Test
    void productsAreListedOnceEachInOrderAndPaged() {
        assertEquals(new DeviceRegistry.ProductPage(List.of(), null), registry.products(null, 10));
        for (String pk : List.of("pk", "p", "pk2", "a-b", "p_")) {
            registry.create(pk, "dev-a", null);
            registry.create(pk, "dev-b", null);
        }
        assertEquals(new DeviceRegistry.ProductPage(List.of("a-b", "p", "p_", "pk", "pk2"), null),
                registry.products(null, 10), "a product is listed once however many devices it has");
        DeviceRegistry.ProductPage first = registry.products(null, 2);
        assertEquals(List.of("a-b", "p"), first.productKeys());
        assertEquals("p", first.next());
        DeviceRegistry.ProductPage second = registry.products(first.next(), 2);
        assertEquals(new DeviceRegistry.ProductPage(List.of("p_", "pk"), "pk"), second);
        assertEquals(new DeviceRegistry.ProductPage(List.of("pk2"), null), registry.products(second.next(), 2));
        assertEquals(new DeviceRegistry.ProductPage(List.of("a-b", "p", "p_", "pk", "pk2"), null),
                registry.products(null, 5), "no next cursor when the page ends with the last product");

        registry.delete("p", "dev-a");
        registry.delete("p", "dev-b");
        assertEquals(List.of("a-b", "p_", "pk", "pk2"), registry.products(null, 10).productKeys(),
                "a product goes with its last device");
        assertEquals("limit", assertThrows(DeviceException.class, () -> registry.products(null, 0)).field());
        assertEquals("after", assertThrows(DeviceException.class, () -> registry.products("p/k", 1)).field());
    }

    @Test
    void listRefusesABadLimitOrProductKey() {
        assertEquals("limit", assertThrows(DeviceException.class, () -> registry.list("pk", null, 0)).field());
        assertEquals("productKey", assertThrows(DeviceException.class, () -> registry.list("p/k", null, 1)).field());
    }

    @Test
    void setEnabledAndDelete() {
        registry.create("pk", "lamp-01", "s");
        Device disabled = registry.setEnabled("pk", "lamp-01", false).orElseThrow();
        assertFalse(disabled.enabled());
        assertFalse(registry.get("pk", "lamp-01").orElseThrow().enabled());
        assertTrue(registry.setEnabled("pk", "lamp-01", true).orElseThrow().enabled());
        assertEquals(Optional.empty(), registry.setEnabled("pk", "lamp-02", false));
        assertEquals(Optional.empty(), registry.setEnabled("p/k", "lamp-02", false));

        assertTrue(registry.delete("pk", "lamp-01"));
        assertFalse(registry.delete("pk", "lamp-01"));
        assertFalse(registry.delete("bad/pk", "lamp-01"));
        assertEquals(Optional.empty(), registry.get("pk", "lamp-01"));
        registry.create("pk", "lamp-01", "again");
        assertEquals("again", registry.get("pk", "lamp-01").orElseThrow().deviceSecret());
    }

    @Test
    void onlineRecordsTimeAndAddressAndIgnoresADeletedDevice() {
        registry.create("pk", "lamp-01", "s");
        registry.online("pk", "lamp-01", NOW + 5, "192.0.2.7:51234");
        Device seen = registry.get("pk", "lamp-01").orElseThrow();
        assertEquals(NOW + 5, seen.lastOnlineAtMillis());
        assertEquals("192.0.2.7:51234", seen.lastAddress());
        assertEquals(NOW, seen.createdAtMillis());
        assertEquals("s", seen.deviceSecret());

        registry.setEnabled("pk", "lamp-01", false);
        registry.online("pk", "lamp-01", NOW + 9, "[2001:db8::1]:1883");
        seen = registry.get("pk", "lamp-01").orElseThrow();
        assertFalse(seen.enabled(), "online keeps the other fields");
        assertEquals("[2001:db8::1]:1883", seen.lastAddress());

        registry.delete("pk", "lamp-01");
        registry.online("pk", "lamp-01", NOW + 10, "192.0.2.7:1");
        registry.online("pk", "never-was", NOW + 10, "192.0.2.7:1");
        registry.online("bad/pk", "x", NOW, null);
        assertEquals(Optional.empty(), registry.get("pk", "lamp-01"), "not brought back");
        assertEquals(Optional.empty(), registry.get("pk", "never-was"));
    }

    @Test
    void aLongAddressIsCutAndANullOneKept() {
        registry.create("pk", "lamp-01", "s");
        registry.online("pk", "lamp-01", NOW, "x".repeat(1000));
        assertEquals(DeviceRecord.MAX_ADDRESS, registry.get("pk", "lamp-01").orElseThrow().lastAddress().length());
        registry.online("pk", "lamp-01", NOW, null);
        assertNull(registry.get("pk", "lamp-01").orElseThrow().lastAddress());
    }

    @Test
    void everythingSurvivesAReopen() {
        Device created = registry.create("pk", "lamp-01", "s3cret");
        registry.create("pk", "lamp-02", null);
        registry.setEnabled("pk", "lamp-02", false);
        registry.online("pk", "lamp-01", NOW + 1, "192.0.2.1:1");
        registry.delete("pk", "lamp-02");
        registry.create("pk", "lamp-03", "x");
        store.close();

        store = RocksStore.open(dir.resolve("store"), DeviceRegistry.TABLES);
        registry = new DeviceRegistry(store);
        assertEquals(new Device("pk", "lamp-01", "s3cret", true, created.createdAtMillis(), NOW + 1, "192.0.2.1:1"),
                registry.get("pk", "lamp-01").orElseThrow());
        assertEquals(List.of("lamp-01", "lamp-03"), names(registry.list("pk", null, 10)));
    }

    @Test
    void aRecordOfAnotherLayoutIsRefusedNamingTheDevice() {
        try (RocksStore.Batch batch = store.batch()) {
            batch.put(store.table("devices"), DeviceRecord.key("pk", "lamp-01"), new byte[] {9, 1, 2});
            batch.put(store.table("devices"), DeviceRecord.key("pk", "lamp-02"), new byte[] {1, 1, 2});
            store.write(batch);
        }
        IllegalStateException newer = assertThrows(IllegalStateException.class, () -> registry.get("pk", "lamp-01"));
        assertTrue(newer.getMessage().contains("pk/lamp-01") && newer.getMessage().contains("layout 9"),
                newer.getMessage());
        IllegalStateException truncated = assertThrows(IllegalStateException.class,
                () -> registry.get("pk", "lamp-02"));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    }

    @Test
    void theRecordEncodingRoundTrips() {
        for (Device device : List.of(new Device("pk", "lamp-01", "s", true, 0, 0, null),
                new Device("pk", "lamp-01", "!~".repeat(64), false, Long.MAX_VALUE, -1, "ü:1"),
                new Device("pk", "lamp-01", "x", true, NOW, NOW, ""))) {
            byte[] value = DeviceRecord.encode(device);
            assertEquals(DeviceRecord.VERSION, value[0]);
            assertEquals(device, DeviceRecord.decode("pk", "lamp-01", value));
        }
        byte[] longer = java.util.Arrays.copyOf(DeviceRecord.encode(new Device("pk", "lamp-01", "s", true, 0, 0,
                null)), 40);
        assertThrows(IllegalStateException.class, () -> DeviceRecord.decode("pk", "lamp-01", longer));
        assertThrows(IllegalStateException.class, () -> DeviceRecord.decode("pk", "lamp-01", new byte[0]));
    }

    @Test
    void concurrentCreatesOfOneDeviceLetExactlyOneWin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String secret = "secret-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        registry.create("pk", "contested", secret);
                        return true;
                    } catch (DeviceException e) {
                        assertEquals(DeviceException.Kind.CONFLICT, e.kind());
                        return false;
                    }
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> result : results) {
                wins += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, wins);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> names(DeviceRegistry.Page page) {
        return page.devices().stream().map(Device::deviceName).toList();
    }

    @Test
    void generatedAndGivenSecretsDiffer() {
        assertNotEquals(registry.create("pk", "lamp-01", null).deviceSecret(),
                registry.create("pk", "lamp-02", null).deviceSecret());
    }
}
