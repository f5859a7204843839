package io.ternmq.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Breaks a valid packet in one to three ways (see {@link MutationKind}), chosen and carried out with a
 * {@link SplittableRandom} of its own: the same seed and the same packet give the same bytes and labels, on every
 * machine and JDK. One mutator mutates one packet; a new case takes a new mutator (see {@link FuzzCases}).
 */
public final class Mutator {

    private final SplittableRandom random;

    public Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The seed's packet, mutated. */
    public MutatedPacket mutate(Seed seed) {
        return mutate(seed.packet(), seed.level());
    }

    /** Any packet with a layout (e.g. from {@link PacketWriter#packet()}) of the given protocol level, mutated. */
    public MutatedPacket mutate(Packet original, int level) {
        Packet packet = original.copy();
        Set<MutationKind> plan = plan(packet);
        List<String> labels = new ArrayList<>();
        RemainingLength remainingLength = new RemainingLength();
        mutateFields(plan, packet, level, remainingLength, labels);
        byte[] body = mutateBody(plan, packet.body(), labels);
        if (plan.contains(MutationKind.REMAINING_LENGTH)) {
            int claimed = differentRemainingLength(body.length);
            labels.add(MutationKind.REMAINING_LENGTH.label() + ": " + body.length + " -> " + claimed);
            remainingLength.encoder = n -> VarInt.encode(claimed);
        }
        byte[] wire = concat(new byte[] {(byte) packet.firstByte}, remainingLength.encoder.apply(body.length), body);
        return new MutatedPacket(mutateWire(plan, wire, labels), List.copyOf(labels));
    }

    /** The kinds that change fields: lengths around them are recomputed when the packet is encoded. */
    private void mutateFields(Set<MutationKind> plan, Packet packet, int level, RemainingLength remainingLength,
                              List<String> labels) {
        FieldMutations fields = new FieldMutations(random, level);
        for (MutationKind kind : plan) {
            String label = switch (kind) {
                case INNER_LENGTH -> fields.innerLength(packet);
                case PROPERTY_ID -> fields.propertyId(packet);
                case PROPERTY_LENGTH -> fields.propertyLength(packet);
                case PROPERTY_DUPLICATE -> fields.propertyDuplicate(packet);
                case BAD_UTF8 -> fields.badUtf8(packet);
                case RESERVED_FLAGS -> fields.reservedFlags(packet);
                case QOS_3 -> fields.qos3(packet);
                // REMAINING_LENGTH would overwrite a huge Remaining Length: then only the body's varints qualify.
                case HUGE_VARINT -> fields.hugeVarint(packet, plan.contains(MutationKind.REMAINING_LENGTH)
                        ? null : f -> remainingLength.encoder = f);
                default -> null;
            };
            if (label != null) {
                labels.add(label);
            }
        }
    }

    /** The kinds that cut, insert into or delete from the encoded body; the Remaining Length follows the body. */
    private byte[] mutateBody(Set<MutationKind> plan, byte[] body, List<String> labels) {
        if (plan.contains(MutationKind.TRUNCATE_FIX_LENGTH) && body.length > 0) {
            // Keep a byte for DELETE_BYTES when it is planned too and there are two.
            boolean keepOne = plan.contains(MutationKind.DELETE_BYTES) && body.length >= 2;
            int keep = keepOne ? 1 + random.nextInt(body.length - 1) : random.nextInt(body.length);
            labels.add(MutationKind.TRUNCATE_FIX_LENGTH.label() + ": body " + body.length + " -> " + keep);
            body = slice(body, 0, keep);
        }
        if (plan.contains(MutationKind.INSERT_BYTES)) {
            byte[] inserted = new byte[1 + random.nextInt(16)];
            random.nextBytes(inserted);
            int at = random.nextInt(body.length + 1);
            labels.add(MutationKind.INSERT_BYTES.label() + ": " + inserted.length + " at " + at);
            body = concat(slice(body, 0, at), inserted, slice(body, at, body.length));
        }
        if (plan.contains(MutationKind.DELETE_BYTES) && body.length > 0) {
            int count = 1 + random.nextInt(Math.min(16, body.length));
            int at = random.nextInt(body.length - count + 1);
            labels.add(MutationKind.DELETE_BYTES.label() + ": " + count + " at " + at);
            body = concat(slice(body, 0, at), slice(body, at + count, body.length));
        }
        return body;
    }

    /** The kinds that work on the bytes as sent, header included. */
    private byte[] mutateWire(Set<MutationKind> plan, byte[] wire, List<String> labels) {
        if (plan.contains(MutationKind.TRUNCATE_KEEP_LENGTH)) {
            int keep = 1 + random.nextInt(wire.length - 1);
            labels.add(MutationKind.TRUNCATE_KEEP_LENGTH.label() + ": " + wire.length + " -> " + keep + " bytes");
            wire = slice(wire, 0, keep);
        }
        if (plan.contains(MutationKind.BIT_FLIP)) {
            labels.add(flipBits(wire));
        }
        return wire;
    }

    /**
     * One to three different kinds that have something to aim at in this packet, in application order. A body
     * too short both to cut and to delete from keeps the cut only. (With REMAINING_LENGTH planned, HUGE_VARINT
     * aims at the body's varints only: see {@link #mutate(Packet, int)}.)
     */
    private Set<MutationKind> plan(Packet packet) {
        List<MutationKind> candidates = new ArrayList<>();
        for (MutationKind kind : MutationKind.values()) {
            if (applies(kind, packet)) {
                candidates.add(kind);
            }
        }
        int count = 1 + random.nextInt(3);
        Set<MutationKind> plan = EnumSet.noneOf(MutationKind.class);
        for (int i = 0; i < count && !candidates.isEmpty(); i++) {
            plan.add(candidates.remove(random.nextInt(candidates.size())));
        }
        if (plan.contains(MutationKind.TRUNCATE_FIX_LENGTH) && plan.contains(MutationKind.DELETE_BYTES)
                && packet.body().length < 2) {
            plan.remove(MutationKind.DELETE_BYTES);
        }
        return plan;
    }

    private static boolean applies(MutationKind kind, Packet p) {
        return switch (kind) {
            case INNER_LENGTH -> !Targets.prefixed(p).isEmpty();
            case PROPERTY_ID, PROPERTY_LENGTH, PROPERTY_DUPLICATE -> !Targets.properties(p).isEmpty();
            case BAD_UTF8 -> !Targets.strings(p).isEmpty();
            case RESERVED_FLAGS -> p.type() != PacketType.PUBLISH || (p.firstByte & 0x06) == 0;
            case QOS_3 -> p.type() == PacketType.PUBLISH || !Targets.withRole(p, Role.CONNECT_FLAGS).isEmpty()
                    || !Targets.withRole(p, Role.SUBSCRIPTION_OPTIONS).isEmpty();
            case TRUNCATE_FIX_LENGTH, DELETE_BYTES -> p.body().length > 0;
            case HUGE_VARINT, INSERT_BYTES, REMAINING_LENGTH, TRUNCATE_KEEP_LENGTH, BIT_FLIP -> true;
        };
    }

    /**
     * A Remaining Length other than the body's: zero, a little less or more, far more (beyond any 64 KiB buffer,
     * 2 MiB, the 268,435,455 maximum).
     */
    private int differentRemainingLength(int actual) {
        int[] candidates = {0, actual - 1, actual - 1 - random.nextInt(actual + 1), actual + 1,
            actual + 2 + random.nextInt(64), actual + 1000 + random.nextInt(10_000), 65_536 + random.nextInt(1 << 20),
            2_097_152, VarInt.MAX};
        int claimed;
        do {
            claimed = candidates[random.nextInt(candidates.length)];
        } while (claimed == actual || claimed < 0);
        return claimed;
    }

    /** Flips one to four bits anywhere in the packet and says which. */
    private String flipBits(byte[] wire) {
        int flips = 1 + random.nextInt(4);
        StringBuilder label = new StringBuilder(MutationKind.BIT_FLIP.label()).append(':');
        for (int i = 0; i < flips; i++) {
            int at = random.nextInt(wire.length);
            int bit = random.nextInt(8);
            wire[at] ^= (byte) (1 << bit);
            label.append(i == 0 ? " " : ", ").append("byte ").append(at).append(" bit ").append(bit);
        }
        return label.toString();
    }

    /** The Remaining Length encoder in force: minimal unless a mutation replaced it. */
    private static final class RemainingLength {
        IntFunction<byte[]> encoder = VarInt::encode;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
