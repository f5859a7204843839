package io.ternmq.core.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * MQTT's UTF-8 Encoded Strings: well-formed UTF-8 as RFC 3629 defines it, so no overlong forms and no encoded
 * surrogates U+D800..U+DFFF, and no U+0000 (5.0: MQTT-1.5.4-1, MQTT-1.5.4-2; 3.1.1: MQTT-1.5.3-1,
 * MQTT-1.5.3-2). A byte order mark is kept as the character it is (MQTT-1.5.4-3).
 */
final class Utf8 {

    /** Stops at the first byte that is not ASCII 0x01..0x7F: 0x00, or any byte of a multi-byte sequence. */
    private static final ByteProcessor PLAIN_ASCII = b -> b > 0;

    private Utf8() {
    }

    /** The string in {@code length} bytes at {@code index}, or null when they are not an MQTT UTF-8 string. */
    static String decode(ByteBuf buf, int index, int length) {
        if (length == 0) {
            return "";
        }
        if (buf.forEachByte(index, length, PLAIN_ASCII) == -1) {
            return buf.toString(index, length, StandardCharsets.US_ASCII); // topics and ids are nearly always ASCII
        }
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        return wellFormed(bytes) ? new String(bytes, StandardCharsets.UTF_8) : null;
    }

    /** RFC 3629 section 4 (the Unicode standard's table 3-7 of well-formed byte sequences), without U+0000. */
    static boolean wellFormed(byte[] a) {
        int i = 0;
        while (i < a.length) {
            int b = a[i] & 0xFF;
            if (b < 0x80) {
                if (b == 0) {
                    return false;
                }
                i++;
                continue;
            }
            int trailing;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                trailing = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                trailing = 2;
                if (b == 0xE0) {
                    secondMin = 0xA0; // no overlong three-byte forms
                } else if (b == 0xED) {
                    secondMax = 0x9F; // no surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                trailing = 3;
                if (b == 0xF0) {
                    secondMin = 0x90; // no overlong four-byte forms
                } else if (b == 0xF4) {
                    secondMax = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return false; // a continuation byte first, an overlong two-byte lead (C0, C1), or F5..FF
            }
            if (i + trailing >= a.length) {
                return false; // the sequence is cut off by the end of the string
            }
            int second = a[i + 1] & 0xFF;
            if (second < secondMin || second > secondMax) {
                return false;
            }
            for (int k = 2; k <= trailing; k++) {
                int c = a[i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    return false;
                }
            }
            i += trailing + 1;
        }
        return true;
    }
}
