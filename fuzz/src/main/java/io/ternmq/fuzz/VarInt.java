package io.ternmq.fuzz;

/**
 * MQTT's Variable Byte Integer (MQTT 5.0 §1.5.5, 3.1.1 §2.2.3 for the Remaining Length): seven bits a byte,
 * least significant first, the top bit set while more bytes follow; at most four bytes, so at most 268,435,455.
 * Besides the minimal encoding the spec requires [MQTT-1.5.5-1], this writes the encodings a hostile client sends:
 * padded with continuation bytes, and five bytes long.
 */
public final class VarInt {

    /** The largest value four bytes hold. */
    public static final int MAX = 268_435_455;

    private VarInt() {
    }

    /** The minimal encoding of {@code value}, 0 to {@link #MAX}. */
    public static byte[] encode(int value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("not a Variable Byte Integer value: " + value);
        }
        return encode(value, size(value));
    }

    /**
     * {@code value} spread over exactly {@code bytes} bytes: continuation bits on every byte but the last, the
     * unused high groups zero. With more bytes than {@link #size} needs this is a non-minimal encoding (0 in two
     * bytes is 80 00); with five or more it is longer than any receiver may accept.
     */
    public static byte[] encode(int value, int bytes) {
        if (bytes < size(value)) {
            throw new IllegalArgumentException(value + " does not fit in " + bytes + " bytes");
        }
        byte[] out = new byte[bytes];
        int rest = value;
        for (int i = 0; i < bytes; i++) {
            int group = rest & 0x7F;
            rest >>>= 7;
            out[i] = (byte) (i < bytes - 1 ? group | 0x80 : group);
        }
        return out;
    }

    /** Bytes in the minimal encoding of {@code value}. */
    public static int size(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        return value < 2_097_152 ? 3 : 4;
    }

    /**
     * Reads the varint at {@code offset}; the value, or -1 when the bytes end inside it, or -2 when a fourth byte
     * still has its continuation bit set (a fifth byte would follow). {@link #lengthAt} tells how many bytes it took.
     */
    public static int decode(byte[] bytes, int offset) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (offset + i >= bytes.length) {
                return -1;
            }
            int b = bytes[offset + i] & 0xFF;
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -2;
    }

    /** Bytes the varint at {@code offset} occupies, as far as it is present (at most four). */
    public static int lengthAt(byte[] bytes, int offset) {
        int i = 0;
        while (i < 4 && offset + i < bytes.length) {
            if ((bytes[offset + i++] & 0x80) == 0) {
                return i;
            }
        }
        return i;
    }
}
