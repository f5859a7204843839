package io.ternmq.fuzz;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The mutations that work on a packet's fields before it is encoded: each changes one thing the spec has a rule
 * about and lets every length around it be recomputed, so the receiver meets exactly that one fault. Each returns
 * its label, or null when the packet has nothing it could aim at.
 */
final class FieldMutations {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    /** Ill-formed UTF-8 by what is wrong with it (RFC 3629 §3, §4; MQTT 5.0 §1.5.4). */
    private static final String[][] BAD_UTF8 = {
        {"overlong", "C0 80", "C1 BF", "E0 80 AF", "F0 80 80 AF"},
        {"lone-continuation", "80", "BF", "80 80"},
        {"surrogate", "ED A0 80", "ED BF BF", "ED B0 80"},
        {"nul", "00"},
        {"truncated", "E2 82", "F0 9F 98"},
        {"invalid-byte", "FE", "FF", "F8 88 80 80 80", "F4 90 80 80"},
    };

    /** The five-byte varint of the brief; any receiver must refuse it after its fourth byte (§1.5.5). */
    static final byte[] FIVE_BYTE_VARINT = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};

    private final SplittableRandom random;
    private final int level;

    FieldMutations(SplittableRandom random, int level) {
        this.random = random;
        this.level = level;
    }

    String innerLength(Packet p) {
        List<Field> prefixed = Targets.prefixed(p);
        if (prefixed.isEmpty()) {
            return null;
        }
        Field f = pick(prefixed);
        int actual = f.trueLength();
        boolean varint = f.shape == Field.Shape.PROPERTIES;
        int claimed = differentLength(actual, varint ? VarInt.MAX : 0xFFFF);
        f.lengthPrefix = varint ? VarInt.encode(claimed) : PacketWriter.twoBytes(claimed);
        return MutationKind.INNER_LENGTH.label() + ": " + f.role.label() + " " + actual + " -> " + claimed;
    }

    String propertyId(Packet p) {
        List<Targets.PropertySlot> slots = Targets.properties(p);
        if (slots.isEmpty()) {
            return null;
        }
        Targets.PropertySlot slot = pick(slots);
        Property before = slot.current();
        List<Property> notAllowed = new ArrayList<>();
        for (Property candidate : Property.values()) {
            if (!candidate.allowedIn(p.type(), slot.will())) {
                notAllowed.add(candidate);
            }
        }
        int id;
        String why;
        int choice = random.nextInt(3);
        if (choice == 0 && !notAllowed.isEmpty()) {
            id = pick(notAllowed).id();
            why = "not allowed in " + (slot.will() ? "will properties" : p.type());
        } else if (choice == 1) {
            id = randomUnassignedId();
            why = "unassigned";
        } else {
            id = random.nextInt(16_384);
            why = "random";
        }
        slot.id().content = VarInt.encode(id);
        return MutationKind.PROPERTY_ID.label() + ": " + name(before) + " -> 0x" + Integer.toHexString(id)
                + " (" + why + ")";
    }

    String propertyLength(Packet p) {
        List<Targets.PropertySlot> slots = Targets.properties(p);
        if (slots.isEmpty()) {
            return null;
        }
        Targets.PropertySlot slot = pick(slots);
        Field value = pick(slot.value());
        String what = MutationKind.PROPERTY_LENGTH.label() + ": " + name(slot.current()) + " ";
        if (value.prefixed()) {
            int actual = value.trueLength();
            int claimed = differentLength(actual, 0xFFFF);
            value.lengthPrefix = PacketWriter.twoBytes(claimed);
            return what + "length " + actual + " -> " + claimed;
        }
        Property current = slot.current();
        if (current != null && current.type() == Property.Type.VARINT) {
            // The last byte keeps its continuation bit: the value runs on into the next property.
            value.content[value.content.length - 1] |= (byte) 0x80;
            return what + "varint unterminated";
        }
        int before = value.content.length;
        boolean shorter = before > 0 && random.nextBoolean();
        byte[] changed = new byte[shorter ? before - 1 : before + 1];
        System.arraycopy(value.content, 0, changed, 0, Math.min(before, changed.length));
        if (!shorter) {
            changed[before] = (byte) random.nextInt(256);
        }
        value.content = changed;
        return what + "value " + before + " -> " + changed.length + " bytes";
    }

    String propertyDuplicate(Packet p) {
        List<Targets.PropertySlot> slots = Targets.properties(p);
        if (slots.isEmpty()) {
            return null;
        }
        Targets.PropertySlot slot = pick(slots);
        List<Field> block = slot.block().children;
        int at = indexOf(block, slot.property());
        // Right after the original, or at the end of the block: both are the same Protocol Error.
        block.add(random.nextBoolean() ? at + 1 : block.size(), slot.property().copy());
        return MutationKind.PROPERTY_DUPLICATE.label() + ": " + name(slot.current());
    }

    String badUtf8(Packet p) {
        List<Field> strings = Targets.strings(p);
        if (strings.isEmpty()) {
            return null;
        }
        Field f = pick(strings);
        String[] category = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        String sequence = category[1 + random.nextInt(category.length - 1)];
        byte[] bad = HEX.parseHex(sequence);
        int at = random.nextInt(f.content.length + 1);
        byte[] changed = new byte[f.content.length + bad.length];
        System.arraycopy(f.content, 0, changed, 0, at);
        System.arraycopy(bad, 0, changed, at, bad.length);
        System.arraycopy(f.content, at, changed, at + bad.length, f.content.length - at);
        f.content = changed;
        return MutationKind.BAD_UTF8.label() + ": " + f.role.label() + " " + category[0] + " " + sequence
                + " at " + at;
    }

    String reservedFlags(Packet p) {
        List<Runnable> targets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        PacketType type = p.type();
        if (type != null && type.flagsReserved()) {
            int flags = type.requiredFlags() ^ (1 + random.nextInt(15));
            targets.add(() -> p.firstByte = type.value() << 4 | flags);
            labels.add("fixed header flags 0x" + Integer.toHexString(type.requiredFlags()) + " -> 0x"
                    + Integer.toHexString(flags));
        } else if (type == PacketType.PUBLISH && (p.firstByte & 0x06) == 0) {
            targets.add(() -> p.firstByte |= 0x08);
            labels.add("DUP on a QoS 0 PUBLISH");
        }
        for (Field flags : Targets.withRole(p, Role.CONNECT_FLAGS)) {
            targets.add(() -> flags.content[0] |= 0x01);
            labels.add("connect flags bit 0");
        }
        // 5.0 reserves bits 6-7 of the options; 3.x has only the QoS there, so bits 2-7 are reserved.
        int reserved = level == 5 ? 0xC0 : 0xFC;
        for (Field options : Targets.withRole(p, Role.SUBSCRIPTION_OPTIONS)) {
            int bits = randomSubset(reserved);
            targets.add(() -> options.content[0] |= (byte) bits);
            labels.add("subscription options bits 0x" + Integer.toHexString(bits));
        }
        if (targets.isEmpty()) {
            return null;
        }
        int i = random.nextInt(targets.size());
        targets.get(i).run();
        return MutationKind.RESERVED_FLAGS.label() + ": " + labels.get(i);
    }

    String qos3(Packet p) {
        List<Runnable> targets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (p.type() == PacketType.PUBLISH) {
            targets.add(() -> p.firstByte |= 0x06);
            labels.add("PUBLISH");
        }
        for (Field flags : Targets.withRole(p, Role.CONNECT_FLAGS)) {
            targets.add(() -> flags.content[0] |= 0x18);
            labels.add((flags.content[0] & 0x04) != 0 ? "will QoS" : "will QoS without will flag");
        }
        for (Field options : Targets.withRole(p, Role.SUBSCRIPTION_OPTIONS)) {
            targets.add(() -> options.content[0] |= 0x03);
            labels.add("subscription options");
        }
        if (targets.isEmpty()) {
            return null;
        }
        int i = random.nextInt(targets.size());
        targets.get(i).run();
        return MutationKind.QOS_3.label() + ": " + labels.get(i);
    }

    /**
     * A varint five bytes long or not minimal: in the Remaining Length (through {@code remainingLength}, which
     * gets the final body length), a property block length, a property identifier or a Subscription Identifier.
     * Returns null when {@code remainingLength} is null (another mutation owns it) and the body has no varint.
     */
    String hugeVarint(Packet p, Consumer<IntFunction<byte[]>> remainingLength) {
        List<Field> blocks = Targets.propertyBlocks(p);
        List<Field> values = Targets.varints(p);
        int targets = (remainingLength != null ? 1 : 0) + blocks.size() + values.size();
        if (targets == 0) {
            return null;
        }
        int t = random.nextInt(targets);
        int form = random.nextInt(3);
        String label = MutationKind.HUGE_VARINT.label() + ": ";
        if (remainingLength != null && t == 0) {
            remainingLength.accept(n -> hugeForm(n, form));
            return label + "remaining-length " + formName(form);
        }
        t -= remainingLength != null ? 1 : 0;
        if (t < blocks.size()) {
            Field block = blocks.get(t);
            byte[] encoded = hugeForm(block.trueLength(), form);
            block.lengthPrefix = encoded;
            return label + block.role.label() + " length " + formName(form) + " " + HEX.formatHex(encoded);
        }
        Field value = values.get(t - blocks.size());
        int decoded = Math.max(0, VarInt.decode(value.content, 0));
        value.content = hugeForm(decoded, form);
        return label + value.role.label() + " " + formName(form) + " " + HEX.formatHex(value.content);
    }

    /** 0: FF FF FF FF 7F; 1: the value in five bytes; 2: the value in one to three more bytes than it needs. */
    private byte[] hugeForm(int value, int form) {
        return switch (form) {
            case 0 -> FIVE_BYTE_VARINT.clone();
            case 1 -> VarInt.encode(value, 5);
            default -> VarInt.encode(value, VarInt.size(value) == 4 ? 5
                    : VarInt.size(value) + 1 + random.nextInt(4 - VarInt.size(value)));
        };
    }

    private static String formName(int form) {
        return switch (form) {
            case 0 -> "five-byte max";
            case 1 -> "five-byte";
            default -> "non-minimal";
        };
    }

    /** A length other than {@code actual}: zero, one off, a little or a lot more, the largest, or random. */
    private int differentLength(int actual, int max) {
        int[] candidates = {0, actual - 1, actual + 1, actual + 2 + random.nextInt(64), max,
            random.nextInt(max) + 1};
        int claimed;
        do {
            claimed = candidates[random.nextInt(candidates.length)];
        } while (claimed == actual || claimed < 0 || claimed > max);
        return claimed;
    }

    /** One of the 0..127 identifiers MQTT 5.0 does not assign, such as 0x00, 0x04 or 0x7F. */
    private int randomUnassignedId() {
        int id;
        do {
            id = random.nextInt(128);
        } while (Property.ofId(id) != null);
        return id;
    }

    /** A random non-empty subset of the bits of {@code mask}. */
    private int randomSubset(int mask) {
        int bits;
        do {
            bits = random.nextInt(256) & mask;
        } while (bits == 0);
        return bits;
    }

    private static String name(Property p) {
        return p == null ? "unassigned property" : p.title();
    }

    private static int indexOf(List<Field> fields, Field f) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i) == f) {
                return i;
            }
        }
        throw new IllegalStateException("property not in its block");
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
