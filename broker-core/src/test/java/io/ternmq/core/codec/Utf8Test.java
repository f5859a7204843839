package io.ternmq.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MQTT's UTF-8 Encoded String rules (5.0 MQTT-1.5.4-1, MQTT-1.5.4-2; 3.1.1 MQTT-1.5.3-1, MQTT-1.5.3-2). */
class Utf8Test {

    private static String decode(String hex) {
        ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
        return Utf8.decode(buf, 0, buf.readableBytes());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "61 2F 62, a/b",
        "C3 A9, é",
        "E2 82 AC, €",
        "F0 9F 98 80, \uD83D\uDE00",
        "EF BB BF 61, \uFEFFa", // MQTT-1.5.4-3: a byte order mark is kept, not stripped
        "F4 8F BF BF, \uDBFF\uDFFF", // U+10FFFF, the last code point
        "ED 9F BF, \uD7FF", // U+D7FF, just below the surrogates
    })
    void wellFormedStringsDecode(String hex, String expected) {
        assertEquals(expected, decode(hex));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "00", "61 00 62", // U+0000
        "80", "BF", // a continuation byte first
        "C0 AF", "C1 BF", "E0 80 AF", "F0 80 80 AF", // overlong forms
        "ED A0 80", "ED BF BF", // encoded surrogates U+D800, U+DFFF
        "F4 90 80 80", "F5 80 80 80", "FF", // above U+10FFFF, bytes that never occur
        "C3", "E2 82", "F0 9F 98", // cut off
        "C3 28", "E2 28 AC", // a second byte that is not a continuation
    })
    void illFormedStringsAreRefused(String hex) {
        assertNull(decode(hex));
    }
}
