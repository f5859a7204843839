package io.ternmq.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The framing: one packet's bytes at a time, a decision as soon as the bytes allow one, nothing after a failure. */
class MqttFrameDecoderTest {

    private static final String CONNECT = "10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31";
    private static final String PUBLISH = "30 07 00 03 61 2F 62 68 69"; // QoS 0, a/b, "hi"

    private final EmbeddedChannel channel = new EmbeddedChannel(new MqttFrameDecoder(1024));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private void feed(String hex) {
        channel.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))));
    }

    private MqttMessage next() {
        return channel.readInbound();
    }

    @Test
    void aPacketFedOneByteAtATimeIsDecodedOnceItsLastByteArrives() {
        feed(CONNECT);
        ReferenceCountUtil.release(next());
        String[] bytes = PUBLISH.split(" ");
        for (int i = 0; i < bytes.length - 1; i++) {
            feed(bytes[i]);
            assertNull(next(), "nothing before byte " + (i + 1) + " of " + bytes.length);
        }
        feed(bytes[bytes.length - 1]);

        MqttPublishMessage publish = assertInstanceOf(MqttPublishMessage.class, next());
        assertEquals("a/b", publish.variableHeader().topicName());
        assertEquals("hi", publish.content().toString(java.nio.charset.StandardCharsets.US_ASCII));
        publish.release();
    }

    @Test
    void packetsInOneReadAreDecodedInOrder() {
        feed(CONNECT + " " + PUBLISH + " C0 00 " + PUBLISH);

        assertEquals(MqttMessageType.CONNECT, typeOf(next()));
        assertEquals(MqttMessageType.PUBLISH, typeOf(next()));
        assertEquals(MqttMessageType.PINGREQ, typeOf(next()));
        assertEquals(MqttMessageType.PUBLISH, typeOf(next()));
        assertNull(next());
    }

    @Test
    void theStringLengthOfAPacketNeverReachesIntoTheNextOne() {
        feed(CONNECT);
        ReferenceCountUtil.release(next());
        // A PUBLISH of Remaining Length 2 whose topic claims 6 bytes, then a PINGREQ: the PINGREQ is not eaten.
        feed("30 02 00 06 C0 00");

        MqttMessage failed = next();
        assertTrue(failed.decoderResult().isFailure());
        MqttDecodeException cause = assertInstanceOf(MqttDecodeException.class, failed.decoderResult().cause());
        assertEquals(ReasonCode.MALFORMED_PACKET, cause.reasonCode());
        assertEquals(MqttMessageType.PUBLISH, cause.packetType());
        assertTrue(cause.getMessage().contains("Topic Name"), cause.getMessage());
        assertNull(next(), "nothing after a malformed packet, not even the valid PINGREQ");
    }

    @Test
    void aFifthRemainingLengthByteFailsAtOnce() {
        feed("C0 FF FF FF FF");

        MqttDecodeException cause = failure(next());
        assertTrue(cause.getMessage().contains("longer than four bytes"), cause.getMessage());
    }

    @Test
    void aPacketOverTheMaximumFailsFromItsHeaderWithoutWaitingForItsBody() {
        feed(CONNECT);
        ReferenceCountUtil.release(next());
        feed("30 FF 07"); // 1,023 bytes of body declared; 1 + 2 + 1,023 is over the 1,024 maximum

        assertEquals(ReasonCode.PACKET_TOO_LARGE, failure(next()).reasonCode());
    }

    @Test
    void aReservedFirstByteFailsBeforeItsRemainingLengthArrives() {
        feed("00");

        assertEquals(ReasonCode.MALFORMED_PACKET, failure(next()).reasonCode());
    }

    @Test
    void anIncompletePacketIsAWaitNotAFailure() {
        feed(CONNECT);
        ReferenceCountUtil.release(next());
        feed("30 07 00 03 61 2F");

        assertNull(next());
        assertTrue(channel.isOpen());
    }

    @Test
    void afterAFailureTheRestIsDiscardedAndNothingLeaks() {
        feed("00 " + CONNECT);
        failure(next());
        feed(CONNECT + " " + PUBLISH);

        assertNull(next());
        assertFalse(channel.finishAndReleaseAll(), "nothing buffered or emitted after the failure");
    }

    @Test
    void thePayloadOutlivesTheBytesItWasReadFrom() {
        feed(CONNECT);
        ReferenceCountUtil.release(next());
        byte[] wire = HexFormat.of().parseHex(PUBLISH.replace(" ", ""));
        io.netty.buffer.ByteBuf in = Unpooled.buffer().writeBytes(wire);
        channel.writeInbound(in);
        MqttPublishMessage publish = channel.readInbound();

        assertEquals(0, in.refCnt(), "the input was released: the payload is a copy");
        assertEquals("6869", ByteBufUtil.hexDump(publish.content()));
        publish.release();
    }

    @Test
    void aMqtt5ConnectMakesTheEncoderSpeak5() {
        feed("10 0F 00 04 4D 51 54 54 05 02 00 3C 00 00 02 63 31");
        ReferenceCountUtil.release(next());

        assertEquals("MQTT_5", String.valueOf(channel.attr(
                io.netty.util.AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION")).get()));
    }

    private static MqttMessageType typeOf(MqttMessage message) {
        MqttMessageType type = message.fixedHeader().messageType();
        ReferenceCountUtil.release(message);
        return type;
    }

    private static MqttDecodeException failure(MqttMessage message) {
        assertTrue(message.decoderResult().isFailure(), "expected a decode failure");
        return assertInstanceOf(MqttDecodeException.class, message.decoderResult().cause());
    }
}
