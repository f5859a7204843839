package io.ternmq.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One fuzz case: a mutated packet, sent either as the first packet of a connection or after a valid CONNECT
 * (whose CONNACK the sender waits for). The arrays are the case's own; callers do not change them.
 *
 * @param index        the case's number within its seed's sequence; {@link FuzzCases#caseAt} rebuilds it
 * @param seed         the label of the corpus packet it was mutated from
 * @param level        protocol level: 3 (MQTT 3.1), 4 (3.1.1), 5 (5.0)
 * @param afterConnect whether {@link #connect()} goes first; otherwise the mutated packet opens the connection
 * @param connect      a valid CONNECT of this level with the case's own client id (sent only if afterConnect)
 * @param packet       the mutated packet
 * @param mutations    what was done to it, one label per mutation
 */
public record FuzzCase(long index, String seed, int level, boolean afterConnect, byte[] connect, byte[] packet,
                       List<String> mutations) {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /** The bytes a client sends: the CONNECT (if afterConnect), then the mutated packet. */
    public byte[] wire() {
        if (!afterConnect) {
            return packet.clone();
        }
        byte[] wire = Arrays.copyOf(connect, connect.length + packet.length);
        System.arraycopy(packet, 0, wire, connect.length, packet.length);
        return wire;
    }

    /** {@link #declaredCompletion(byte[], int)} of this case's packet. */
    public Completion completion(int cap) {
        return declaredCompletion(packet, cap);
    }

    /**
     * What completes the declarations of {@code packet}: reads its fixed header (first byte, Remaining Length of
     * up to four bytes) and, where the declared end falls short of the bytes there, the next packet's header, as a
     * receiver would. When the last declared end lies beyond the bytes, the zero padding that reaches it is the
     * answer, as long as packet plus padding stays within {@code cap}; when the bytes end inside a Remaining
     * Length, zeros complete that too (a 0x00 ends a varint). A Remaining Length whose fourth byte still has its
     * continuation bit is BAD_HEADER: no receiver may read a fifth (MQTT 5.0 §1.5.5, 3.1.1 §2.2.3).
     */
    public static Completion declaredCompletion(byte[] packet, int cap) {
        int at = 0;
        while (at < packet.length) {
            int lengthAt = at + 1;
            long remaining = 0;
            int multiplier = 1;
            int i = 0;
            while (true) {
                if (lengthAt + i >= packet.length) {
                    // Cut inside the header: one zero ends the varint, then what it says follows.
                    return padded(packet.length, 1 + remaining, cap);
                }
                int b = packet[lengthAt + i] & 0xFF;
                remaining += (long) (b & 0x7F) * multiplier;
                multiplier *= 128;
                i++;
                if ((b & 0x80) == 0) {
                    break;
                }
                if (i == 4) {
                    return new Completion(Completion.Status.BAD_HEADER, 0, -1);
                }
            }
            long end = (long) lengthAt + i + remaining;
            if (end > packet.length) {
                return padded(packet.length, end - packet.length, cap);
            }
            at = (int) end;
        }
        return new Completion(Completion.Status.COMPLETE, 0, packet.length);
    }

    private static Completion padded(int present, long missing, int cap) {
        long declared = present + missing;
        return declared <= cap ? new Completion(Completion.Status.PADDED, (int) missing, declared)
                : new Completion(Completion.Status.BEYOND_CAP, 0, declared);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FuzzCase c && index == c.index && seed.equals(c.seed) && level == c.level
                && afterConnect == c.afterConnect && Arrays.equals(connect, c.connect)
                && Arrays.equals(packet, c.packet) && mutations.equals(c.mutations);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(packet);
    }

    @Override
    public String toString() {
        return "case " + index + " (" + seed + ", " + (afterConnect ? "after CONNECT" : "first packet") + ") "
                + HEX.formatHex(packet) + " " + mutations;
    }
}
