package io.ternmq.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What may act before the QUIC handshake completes (0-RTT data that an attacker may have replayed). */
class EarlyDataGateTest {

    // CONNECT (MQTT 3.1.1, client id "c"), PINGREQ, PUBLISH QoS 1 "t" id 1 payload "x", SUBSCRIBE.
    private static final String CONNECT = "100d00044d5154540402003c000163";
    private static final String PINGREQ = "c000";
    private static final String PUBLISH = "320600017400" + "0178";
    private static final String SUBSCRIBE = "8206000100017401";

    private final QuicConnectionState connection = new QuicConnectionState();
    private final AtomicInteger earlyData = new AtomicInteger();
    private final List<String> opened = new ArrayList<>();

    private EmbeddedChannel channel(boolean connectAllowed) {
        return new EmbeddedChannel(new EarlyDataGate(connection, connectAllowed, earlyData::incrementAndGet,
                () -> opened.add("open")));
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    /** Everything the gate handed on so far, as one hex string. */
    private static String passed(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readInbound()) != null; ) {
            out.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
    }

    @Test
    void connectAndPingPassAtOnceAPublishWaitsForTheHandshakeAndOrderIsKept() {
        EmbeddedChannel ch = channel(true);
        ch.writeInbound(hex(CONNECT + PINGREQ + PUBLISH + PINGREQ));
        assertEquals(CONNECT + PINGREQ, passed(ch), "only the idempotent head passes in early data");
        assertEquals(1, earlyData.get());
        ch.writeInbound(hex(SUBSCRIBE));
        assertEquals("", passed(ch), "nothing after the first held packet passes");

        connection.handshakeCompleted();
        assertEquals(List.of("open"), opened);
        assertEquals(PUBLISH + PINGREQ + SUBSCRIBE, passed(ch), "then everything, in order");
        assertNull(ch.pipeline().get(EarlyDataGate.class), "the gate removes itself");
        ch.writeInbound(hex(PINGREQ));
        assertEquals(PINGREQ, passed(ch));
        assertFalse(ch.finish());
    }

    @Test
    void aPacketSplitOverReadsPassesOnceWhole() {
        EmbeddedChannel ch = channel(true);
        ch.writeInbound(hex(CONNECT.substring(0, 10)));
        assertEquals("", passed(ch));
        ch.writeInbound(hex(CONNECT.substring(10)));
        assertEquals(CONNECT, passed(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void aSecondConnectIsHeldLikeAnyOtherPacket() {
        EmbeddedChannel ch = channel(true);
        ch.writeInbound(hex(CONNECT + CONNECT));
        assertEquals(CONNECT, passed(ch));
        connection.handshakeCompleted();
        assertEquals(CONNECT, passed(ch), "the protocol handler judges the second CONNECT after the handshake");
        ch.finishAndReleaseAll();
    }

    @Test
    void withoutReplayProtectionNothingActsBeforeTheHandshake() {
        EmbeddedChannel ch = channel(false);
        ch.writeInbound(hex(CONNECT + PINGREQ));
        assertEquals("", passed(ch));
        assertEquals(0, earlyData.get());
        connection.handshakeCompleted();
        assertEquals(CONNECT + PINGREQ, passed(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void heldBytesAreReleasedWhenTheStreamCloses() {
        EmbeddedChannel ch = channel(true);
        ByteBuf publish = hex(PUBLISH);
        ch.writeInbound(publish);
        ch.close();
        assertEquals(0, publish.refCnt(), "a stream closed during the handshake leaks nothing");
    }
}
