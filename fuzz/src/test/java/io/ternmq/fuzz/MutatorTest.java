package io.ternmq.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each label says what was done: checked on the cases that carry a single mutation. */
class MutatorTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
    private static final Map<String, Seed> SEEDS = SeedCorpus.all().stream()
            .collect(Collectors.toMap(Seed::label, Function.identity()));
    private static final List<FuzzCase> SINGLES = new FuzzCases(99).stream(20_000)
            .filter(c -> c.mutations().size() == 1).toList();

    /** The packet the case was mutated from, as the mutator got it. */
    private static byte[] original(FuzzCase c) {
        return SEEDS.get(c.seed()).withClientId("fuzzm-" + c.index()).bytes();
    }

    private static List<FuzzCase> singles(MutationKind kind) {
        List<FuzzCase> found = SINGLES.stream()
                .filter(c -> MutationKind.ofLabel(c.mutations().get(0)) == kind).toList();
        assertTrue(found.size() >= 20, kind + ": " + found.size() + " single-mutation cases");
        return found;
    }

    private static boolean consistent(byte[] packet) {
        FixedHeader h = FixedHeader.parse(packet, 0);
        return h.remainingLength() == packet.length - h.headerLength();
    }

    @Test
    void theSameSeedMutatesTheSameWay() {
        Seed seed = SEEDS.get("mqtt5 subscribe options");
        for (long s = 0; s < 500; s++) {
            assertEquals(new Mutator(s).mutate(seed), new Mutator(s).mutate(seed));
        }
    }

    @Test
    void mutatingLeavesTheSeedAlone() {
        Seed seed = SEEDS.get("mqtt5 connect will properties");
        byte[] before = seed.bytes();
        for (long s = 0; s < 500; s++) {
            new Mutator(s).mutate(seed);
        }
        assertArrayEquals(before, seed.bytes());
    }

    @Test
    void truncationKeepingTheLengthIsAPrefixWithTheOldLength() {
        for (FuzzCase c : singles(MutationKind.TRUNCATE_KEEP_LENGTH)) {
            byte[] original = original(c);
            assertTrue(c.packet().length < original.length, c.toString());
            assertArrayEquals(Arrays.copyOf(original, c.packet().length), c.packet(), c.toString());
        }
    }

    @Test
    void truncationFixingTheLengthKeepsTheFrameConsistent() {
        for (FuzzCase c : singles(MutationKind.TRUNCATE_FIX_LENGTH)) {
            byte[] original = original(c);
            assertTrue(consistent(c.packet()), c.toString());
            assertTrue(c.packet().length < original.length, c.toString());
            byte[] body = Arrays.copyOfRange(c.packet(), FixedHeader.parse(c.packet(), 0).headerLength(),
                    c.packet().length);
            int originalHeader = FixedHeader.parse(original, 0).headerLength();
            assertArrayEquals(Arrays.copyOfRange(original, originalHeader, originalHeader + body.length), body);
        }
    }

    @Test
    void insertsDeletesAndFieldMutationsKeepTheFrameConsistent() {
        for (MutationKind kind : List.of(MutationKind.INSERT_BYTES, MutationKind.DELETE_BYTES,
                MutationKind.BAD_UTF8, MutationKind.INNER_LENGTH, MutationKind.PROPERTY_DUPLICATE,
                MutationKind.PROPERTY_ID, MutationKind.PROPERTY_LENGTH)) {
            for (FuzzCase c : singles(kind)) {
                assertTrue(consistent(c.packet()), c.toString());
                assertNotEquals(HEX.formatHex(original(c)), HEX.formatHex(c.packet()), c.toString());
            }
        }
    }

    @Test
    void remainingLengthSaysWhatTheLabelSays() {
        for (FuzzCase c : singles(MutationKind.REMAINING_LENGTH)) {
            String label = c.mutations().get(0);
            long claimed = Long.parseLong(label.substring(label.indexOf("-> ") + 3));
            assertEquals(claimed, FixedHeader.parse(c.packet(), 0).remainingLength(), label);
        }
    }

    @Test
    void hugeVarintsAreFiveBytesOrNotMinimal() {
        for (FuzzCase c : singles(MutationKind.HUGE_VARINT)) {
            String label = c.mutations().get(0);
            if (label.contains("remaining-length five-byte max")) {
                assertEquals("FF FF FF FF 7F", HEX.formatHex(c.packet(), 1, 6), label);
            } else if (label.contains("remaining-length five-byte")) {
                assertEquals(-2, FixedHeader.parse(c.packet(), 0).remainingLength(), label);
            } else if (label.contains("remaining-length non-minimal")) {
                FixedHeader h = FixedHeader.parse(c.packet(), 0);
                assertTrue(consistent(c.packet()) && h.headerLength() - 1 > VarInt.size((int) h.remainingLength()),
                        label);
            } else {
                // "properties length non-minimal B1 00": the encoding named is in the packet.
                String encoded = label.replaceAll("^.*(five-byte max|five-byte|non-minimal) ", "");
                assertTrue(HEX.formatHex(c.packet()).contains(encoded), label + " in " + HEX.formatHex(c.packet()));
            }
        }
    }

    @Test
    void badUtf8IsWhereTheLabelSays() {
        for (FuzzCase c : singles(MutationKind.BAD_UTF8)) {
            String label = c.mutations().get(0);
            String sequence = label.replaceAll("^bad-utf8: \\S+ \\S+ (.*) at \\d+$", "$1");
            assertTrue(HEX.formatHex(c.packet()).contains(sequence), label + " in " + HEX.formatHex(c.packet()));
        }
    }

    @Test
    void qos3AndReservedBitsAreSet() {
        for (FuzzCase c : singles(MutationKind.QOS_3)) {
            if (c.mutations().get(0).endsWith("PUBLISH")) {
                assertEquals(0x36, c.packet()[0] & 0x36, c.toString());
            }
        }
        for (FuzzCase c : singles(MutationKind.RESERVED_FLAGS)) {
            String label = c.mutations().get(0);
            PacketType type = SEEDS.get(c.seed()).type();
            if (label.contains("fixed header")) {
                assertNotEquals(type.requiredFlags(), c.packet()[0] & 0x0F, label);
                assertEquals(type.value(), (c.packet()[0] & 0xFF) >> 4, label);
            }
        }
    }

    @Test
    void bitFlipsChangeAsManyBitsAsTheyName() {
        for (FuzzCase c : singles(MutationKind.BIT_FLIP)) {
            byte[] original = original(c);
            int changed = 0;
            for (int i = 0; i < original.length; i++) {
                changed += Integer.bitCount((original[i] ^ c.packet()[i]) & 0xFF);
            }
            int named = c.mutations().get(0).split(",").length;
            assertTrue(changed <= named && (changed > 0 || named > 1), c.toString()); // a bit flipped twice is back
        }
    }

    @Test
    void varIntEncodings() {
        assertEquals("00", HEX.formatHex(VarInt.encode(0)));
        assertEquals("7F", HEX.formatHex(VarInt.encode(127)));
        assertEquals("80 01", HEX.formatHex(VarInt.encode(128)));
        assertEquals("FF 7F", HEX.formatHex(VarInt.encode(16_383)));
        assertEquals("80 80 01", HEX.formatHex(VarInt.encode(16_384)));
        assertEquals("FF FF FF 7F", HEX.formatHex(VarInt.encode(VarInt.MAX)));
        assertEquals("80 00", HEX.formatHex(VarInt.encode(0, 2)));
        assertEquals("85 80 80 80 00", HEX.formatHex(VarInt.encode(5, 5)));
        assertEquals(-2, VarInt.decode(VarInt.encode(5, 5), 0));
        assertEquals(-1, VarInt.decode(new byte[] {(byte) 0x80}, 0));
        assertEquals(VarInt.MAX, VarInt.decode(VarInt.encode(VarInt.MAX), 0));
    }
}
