package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Pins the hand-made encoder the other tests use to bytes written out from the specification. */
class PacketsTest {

    @Test
    void connectMatchesTheSpecificationLayout() {
        assertEquals(Hex.normalise("10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31"),
                Packets.connect("c1", true, 60));
        assertEquals(Hex.normalise("10 0E 00 04 4D 51 54 54 04 00 00 3C 00 02 63 31"),
                Packets.connect("c1", false, 60));
    }

    @Test
    void subscribeUnsubscribeAndPublish() {
        assertEquals(Hex.normalise("82 08 00 07 00 03 61 2F 62 01"), Packets.subscribe(7, "a/b", 1));
        assertEquals(Hex.normalise("A2 07 00 07 00 03 61 2F 62"), Packets.unsubscribe(7, "a/b"));
        assertEquals(Hex.normalise("30 07 00 03 61 2F 62 68 69"), Packets.publish("a/b", 0, 0, "hi"));
        assertEquals(Hex.normalise("32 09 00 03 61 2F 62 01 02 68 69"), Packets.publish("a/b", 1, 0x0102, "hi"));
        assertEquals(Hex.normalise("40 02 01 02"), Packets.puback(0x0102));
    }

    @Test
    void remainingLengthUsesSeveralBytesPast127() {
        String hex = Packets.packet(0x30, new byte[200]);
        assertEquals("30 C8 01", hex.substring(0, 8));
        assertEquals(3 + 200, Hex.bytes(hex).length);
    }
}
