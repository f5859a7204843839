package io.ternmq.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedCorpusTest {

    @Test
    void everySeedRoundTripsThroughAnIndependentFixedHeaderParser() {
        for (Seed seed : SeedCorpus.all()) {
            byte[] bytes = seed.bytes();
            FixedHeader header = FixedHeader.parse(bytes, 0);
            String what = seed.label() + ": " + HexFormat.ofDelimiter(" ").formatHex(bytes);
            assertEquals(bytes.length - header.headerLength(), header.remainingLength(),
                    "remaining length is the bytes after the header: " + what);
            assertEquals(seed.type().value(), header.type(), what);
            if (seed.type() != PacketType.PUBLISH) {
                assertEquals(seed.type().requiredFlags(), header.flags(), "required fixed header flags: " + what);
            } else {
                assertTrue((header.flags() & 0x06) != 0x06 && (header.flags() & 0x01) == 0,
                        "a PUBLISH of QoS 0 or 1, not retained: " + what);
            }
        }
    }

    @Test
    void everyPacketTypeForEveryLevel() {
        for (int level : SeedCorpus.LEVELS) {
            Set<PacketType> types = EnumSet.noneOf(PacketType.class);
            SeedCorpus.forLevel(level).forEach(s -> types.add(s.type()));
            Set<PacketType> expected = EnumSet.allOf(PacketType.class);
            if (level < 5) {
                expected.remove(PacketType.AUTH); // AUTH is new in 5.0
            }
            assertEquals(expected, types, "level " + level);
        }
    }

    @Test
    void connectsNameTheirProtocol() {
        for (int level : SeedCorpus.LEVELS) {
            for (Seed seed : SeedCorpus.forLevel(level)) {
                if (seed.type() != PacketType.CONNECT) {
                    continue;
                }
                byte[] b = seed.bytes();
                int at = FixedHeader.parse(b, 0).headerLength();
                int nameLength = (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
                String name = new String(b, at + 2, nameLength, StandardCharsets.UTF_8);
                assertEquals(level == 3 ? "MQIsdp" : "MQTT", name, seed.label());
                assertEquals(level, b[at + 2 + nameLength], seed.label());
            }
        }
    }

    @Test
    void theMqtt5SeedsCarryTheProperties() {
        Set<Integer> ids = new HashSet<>();
        for (Seed seed : SeedCorpus.forLevel(5)) {
            Targets.properties(seed.packet()).forEach(slot -> ids.add(slot.current().id()));
        }
        for (Property p : Property.values()) {
            assertTrue(ids.contains(p.id()), p.title() + " appears in some seed");
        }
    }

    @Test
    void labelsAreUniqueAndTheListIsStable() {
        Set<String> labels = new HashSet<>();
        SeedCorpus.all().forEach(s -> assertTrue(labels.add(s.label()), "unique: " + s.label()));
        assertEquals(SeedCorpus.all(), SeedCorpus.all());
    }

    @Test
    void validConnectIsCleanWithKeepAlive60() {
        byte[] v5 = SeedCorpus.connect(5, "fuzz-7");
        assertEquals("10 13 00 04 4d 51 54 54 05 02 00 3c 00 00 06 66 75 7a 7a 2d 37",
                HexFormat.ofDelimiter(" ").formatHex(v5));
        byte[] v31 = SeedCorpus.connect(3, "fuzz-7");
        assertEquals("10 14 00 06 4d 51 49 73 64 70 03 02 00 3c 00 06 66 75 7a 7a 2d 37",
                HexFormat.ofDelimiter(" ").formatHex(v31));
    }

    @Test
    void withClientIdReplacesOnlyNonEmptyClientIds() {
        for (Seed seed : SeedCorpus.all()) {
            String before = new String(seed.bytes(), StandardCharsets.ISO_8859_1);
            String after = new String(seed.withClientId("other-id").bytes(), StandardCharsets.ISO_8859_1);
            if (before.contains(SeedCorpus.SEED_CLIENT_ID)) {
                assertTrue(after.contains("other-id") && !after.contains(SeedCorpus.SEED_CLIENT_ID), seed.label());
            } else {
                assertEquals(before, after, seed.label());
            }
        }
    }
}
