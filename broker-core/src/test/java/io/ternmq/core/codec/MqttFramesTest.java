package io.ternmq.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Framing without decoding, for a front that looks at packets before the decoder (QUIC's 0-RTT gate). */
class MqttFramesTest {

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    @Test
    void completeLengthReadsTheRemainingLengthAndWaitsForTheWholePacket() {
        assertEquals(2, MqttFrames.completeLength(hex("c000")));
        assertEquals(-1, MqttFrames.completeLength(hex("30")));
        assertEquals(-1, MqttFrames.completeLength(hex("30ff")));
        ByteBuf big = Unpooled.buffer().writeBytes(HexFormat.of().parseHex("30c002")).writeZero(320);
        assertEquals(323, MqttFrames.completeLength(big));
        assertEquals(-1, MqttFrames.completeLength(hex("30ffffffff7f")), "a fifth length byte is no length");
        assertEquals(15, MqttFrames.completeLength(hex("100d00044d5154540402003c000163")));
    }

    @Test
    void typeAtNamesThePacketTypeOfTheFirstByte() {
        assertEquals(MqttMessageType.CONNECT, MqttFrames.typeAt(hex("10")));
        assertEquals(MqttMessageType.PINGREQ, MqttFrames.typeAt(hex("c0")));
        assertNull(MqttFrames.typeAt(hex("00")), "0 is reserved");
        assertNull(MqttFrames.typeAt(Unpooled.EMPTY_BUFFER));
    }
}
