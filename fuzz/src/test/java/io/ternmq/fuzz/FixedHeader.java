package io.ternmq.fuzz;

/**
 * A fixed header read as the spec's non-normative decoding algorithm reads it (MQTT 5.0 §1.5.5), written
 * apart from the module's own code so the tests do not check the encoder against itself.
 *
 * @param firstByte       type and flags
 * @param remainingLength the declared length; -1 when the bytes end inside it, -2 for a fifth length byte
 * @param headerLength    first byte plus length bytes
 */
record FixedHeader(int firstByte, long remainingLength, int headerLength) {

    static FixedHeader parse(byte[] bytes, int offset) {
        long value = 0;
        long multiplier = 1;
        int i = offset + 1;
        while (true) {
            if (i >= bytes.length) {
                return new FixedHeader(bytes[offset] & 0xFF, -1, i - offset);
            }
            int encoded = bytes[i++] & 0xFF;
            value += (encoded & 127) * multiplier;
            if ((encoded & 128) == 0) {
                return new FixedHeader(bytes[offset] & 0xFF, value, i - offset);
            }
            if (multiplier == 128L * 128 * 128) {
                // A fourth byte that says more follow: malformed without waiting for the fifth.
                return new FixedHeader(bytes[offset] & 0xFF, -2, i - offset);
            }
            multiplier *= 128;
        }
    }

    int type() {
        return firstByte >> 4;
    }

    int flags() {
        return firstByte & 0x0F;
    }
}
