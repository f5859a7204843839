package io.ternmq.bench.fuzz;

import io.ternmq.fuzz.PacketType;
import io.ternmq.fuzz.VarInt;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a broker sends back, read packet by packet: enough MQTT to see a CONNACK and its code, a PINGRESP, and
 * to name the last packet before a close ("DISCONNECT 0x81", "CONNACK 0x05"). It keeps every byte, for replays.
 */
final class ReplyReader {

    /** One packet from the broker: first byte and body. */
    record Reply(int firstByte, byte[] body) {
        PacketType type() {
            return PacketType.ofFirstByte(firstByte);
        }

        boolean isPingResp() {
            return firstByte == PacketType.PINGRESP.firstByte() && body.length == 0;
        }

        /** CONNACK's return code (3.x) or reason code (5.0), the second body byte in both. */
        int connackCode() {
            return body.length >= 2 ? body[1] & 0xFF : -1;
        }

        /** E.g. "DISCONNECT 0x81", "CONNACK 0x05", "SUBACK". */
        String describe() {
            PacketType type = type();
            if (type == null) {
                return String.format(Locale.ROOT, "type 0 (0x%02x)", firstByte);
            }
            return switch (type) {
                case CONNACK -> String.format(Locale.ROOT, "CONNACK 0x%02x", connackCode());
                // A 5.0 DISCONNECT without a body means reason 0x00 (MQTT 5.0 §3.14.2.1).
                case DISCONNECT -> String.format(Locale.ROOT, "DISCONNECT 0x%02x", body.length > 0 ? body[0] & 0xFF : 0);
                default -> type.name();
            };
        }
    }

    private byte[] bytes = new byte[32];
    private int length;
    private int parsed;

    void append(byte[] data) {
        if (length + data.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + data.length));
        }
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    /** The next whole packet received, or null until more bytes come. */
    Reply next() {
        if (parsed >= length) {
            return null;
        }
        byte[] window = Arrays.copyOfRange(bytes, parsed, Math.min(length, parsed + 5));
        int remaining = VarInt.decode(window, 1);
        if (remaining == -1) {
            return null;
        }
        if (remaining == -2) {
            // Not MQTT as a broker writes it: take the rest as one unreadable packet.
            Reply garbage = new Reply(bytes[parsed] & 0xFF, Arrays.copyOfRange(bytes, parsed + 1, length));
            parsed = length;
            return garbage;
        }
        int firstByte = bytes[parsed] & 0xFF;
        int start = parsed + 1 + VarInt.lengthAt(window, 1);
        if (length - start < remaining) {
            return null;
        }
        parsed = start + remaining;
        return new Reply(firstByte, Arrays.copyOfRange(bytes, start, parsed));
    }

    /** Bytes received but not yet a whole packet. */
    int pending() {
        return length - parsed;
    }

    /** Every byte received so far. */
    byte[] received() {
        return Arrays.copyOf(bytes, length);
    }

    int receivedLength() {
        return length;
    }
}
