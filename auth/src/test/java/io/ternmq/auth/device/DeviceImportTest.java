package io.ternmq.auth.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.store.RocksStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk import: validation before any write, skipping existing devices, a 100,000-device fleet, CSV. */
class DeviceImportTest {

    @TempDir
    Path dir;

    private RocksStore store;
    private DeviceRegistry registry;

    @BeforeEach
    void open() {
        store = RocksStore.open(dir.resolve("store"), DeviceRegistry.TABLES);
        registry = new DeviceRegistry(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void importsGeneratingMissingSecretsAndSkipsExistingDevices() {
        registry.create("pk", "dev-0002", "kept");
        DeviceRegistry.ImportResult result = registry.importDevices("pk", List.of(
                new NewDevice("dev-0001", "given"), new NewDevice("dev-0002", "ignored"),
                new NewDevice("dev-0003", null)));
        assertEquals(List.of("dev-0002"), result.skipped());
        assertEquals(List.of("dev-0001", "dev-0003"), result.created().stream().map(Device::deviceName).toList());
        assertEquals("given", result.created().get(0).deviceSecret());
        assertTrue(result.created().get(1).deviceSecret().matches("[0-9a-f]{32}"));
        assertEquals(result.created().get(1), registry.get("pk", "dev-0003").orElseThrow());
        assertEquals("kept", registry.get("pk", "dev-0002").orElseThrow().deviceSecret());
        assertEquals(3, registry.count("pk"));
    }

    @Test
    void aBadItemWritesNothingAndIsNamedByIndexAndField() {
        List<NewDevice> list = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            list.add(new NewDevice(String.format("dev-%05d", i), null));
        }
        list.set(25_000, new NewDevice("bad/name", null));
        DeviceException e = assertThrows(DeviceException.class, () -> registry.importDevices("pk", list));
        assertEquals(DeviceException.Kind.INVALID, e.kind());
        assertEquals("devices[25000].deviceName", e.field());
        assertTrue(e.getMessage().startsWith("devices[25000].deviceName "), e.getMessage());
        assertEquals(0, registry.count("pk"), "nothing written, not even the first batches");

        list.set(25_000, new NewDevice("dev-x", "with space"));
        assertEquals("devices[25000].deviceSecret",
                assertThrows(DeviceException.class, () -> registry.importDevices("pk", list)).field());
        list.set(25_000, null);
        assertEquals("devices[25000]",
                assertThrows(DeviceException.class, () -> registry.importDevices("pk", list)).field());
        assertEquals("productKey",
                assertThrows(DeviceException.class, () -> registry.importDevices("p k", List.of())).field());
        assertEquals(0, registry.count("pk"));
    }

    @Test
    void aNameGivenTwiceIsRefusedNamingBothItems() {
        DeviceException e = assertThrows(DeviceException.class, () -> registry.importDevices("pk", List.of(
                new NewDevice("dev-a", null), new NewDevice("dev-b", null), new NewDevice("dev-a", "x"))));
        assertEquals("devices[2].deviceName", e.field());
        assertTrue(e.getMessage().contains("devices[0]"), e.getMessage());
        assertEquals(0, registry.count("pk"));
    }

    @Test
    void anEmptyImportDoesNothing() {
        DeviceRegistry.ImportResult result = registry.importDevices("pk", List.of());
        assertEquals(List.of(), result.created());
        assertEquals(List.of(), result.skipped());
    }

    @Test
    void aFleetOf100000DevicesImportsInSecondsAndSurvivesAReopen() {
        List<NewDevice> fleet = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            fleet.add(new NewDevice(String.format("sensor-%06d", i), i % 2 == 0 ? null : "secret-" + i));
        }
        long started = System.nanoTime();
        DeviceRegistry.ImportResult result = registry.importDevices("fleet", fleet);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(100_000, result.created().size());
        assertTrue(millis < 30_000, "took " + millis + " ms");

        // Again: every one exists now and is skipped; the existing ones untouched.
        DeviceRegistry.ImportResult again = registry.importDevices("fleet", fleet.subList(0, 20_001));
        assertEquals(0, again.created().size());
        assertEquals(20_001, again.skipped().size());

        store.close();
        store = RocksStore.open(dir.resolve("store"), DeviceRegistry.TABLES);
        registry = new DeviceRegistry(store);
        assertEquals(100_000, registry.count("fleet"));
        assertEquals("secret-99999", registry.get("fleet", "sensor-099999").orElseThrow().deviceSecret());
        assertEquals(result.created().get(0).deviceSecret(),
                registry.get("fleet", "sensor-000000").orElseThrow().deviceSecret());
        DeviceRegistry.Page page = registry.list("fleet", "sensor-049999", 3);
        assertEquals(List.of("sensor-050000", "sensor-050001", "sensor-050002"),
                page.devices().stream().map(Device::deviceName).toList());
        assertEquals(Optional.empty(), registry.get("fleet", "sensor-100000"));
    }

    @Test
    void csvWithHeaderBlankLinesAndOptionalSecrets() {
        String csv = "\uFEFFDeviceName, DeviceSecret\r\n"
                + "dev-0001,s1\r\n"
                + "\r\n"
                + "  dev-0002  \r\n"
                + "dev-0003,\r\n"
                + "dev-0004 , s4 \n";
        assertEquals(List.of(new NewDevice("dev-0001", "s1"), new NewDevice("dev-0002", null),
                new NewDevice("dev-0003", null), new NewDevice("dev-0004", "s4")), DeviceRegistry.parseCsv(csv));
    }

    @Test
    void csvWithoutHeader() {
        assertEquals(List.of(new NewDevice("dev-0001", "s1"), new NewDevice("dev-0002", null)),
                DeviceRegistry.parseCsv("\n\ndev-0001,s1\ndev-0002"));
        assertEquals(List.of(new NewDevice("dev-0001", null)), DeviceRegistry.parseCsv("deviceName\ndev-0001"));
        assertEquals(List.of(), DeviceRegistry.parseCsv(""));
        assertEquals(List.of(), DeviceRegistry.parseCsv("deviceName,deviceSecret\n"));
    }

    @Test
    void aHeaderIsOnlyTheFirstLine() {
        // Later, "deviceName,deviceSecret" is a device with a valid name and secret like any other.
        assertEquals(List.of(new NewDevice("dev-0001", null), new NewDevice("deviceName", "deviceSecret")),
                DeviceRegistry.parseCsv("dev-0001\ndeviceName,deviceSecret"));
    }

    @Test
    void csvErrorsNameTheLine() {
        DeviceException fields = assertThrows(DeviceException.class,
                () -> DeviceRegistry.parseCsv("deviceName,deviceSecret\ndev-0001,a\ndev-0002,b,c\n"));
        assertEquals("line 3", fields.field());
        assertTrue(fields.getMessage().startsWith("line 3: "), fields.getMessage());

        DeviceException name = assertThrows(DeviceException.class,
                () -> DeviceRegistry.parseCsv("dev-0001\n\nab\n"));
        assertEquals("line 3 deviceName", name.field());
        assertTrue(name.getMessage().contains("\"ab\""), name.getMessage());

        DeviceException secret = assertThrows(DeviceException.class,
                () -> DeviceRegistry.parseCsv("dev-0001,s\u00e9cret"));
        assertEquals("line 1 deviceSecret", secret.field());

        DeviceException quoted = assertThrows(DeviceException.class,
                () -> DeviceRegistry.parseCsv("\"dev-0001\",x"));
        assertEquals("line 1 deviceName", quoted.field());
    }

    @Test
    void aParsedCsvImports() {
        DeviceRegistry.ImportResult result = registry.importDevices("pk",
                DeviceRegistry.parseCsv("deviceName,deviceSecret\ndev-0001,s1\ndev-0002,\n"));
        assertEquals(2, result.created().size());
        assertNull(registry.get("pk", "dev-0003").orElse(null));
    }
}
