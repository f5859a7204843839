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
    private static final String UNSUBSCRIBE = "a2050002000174";
    // CONNECT (MQTT 5, clean start, properties: session expiry 0, client id "new-1")
    private static final String CONNECT_5_NEW = "101700044d5154540502003c05110000000000056e65772d31";
    private static final String CONNACK = "20020000";
    private static final String PINGRESP = "d000";

    private final QuicConnectionState connection = new QuicConnectionState();
    private final AtomicInteger earlyData = new AtomicInteger();
    private final List<String> opened = new ArrayList<>();

    /** connect-only behind stateless retry (replay-proof), or nothing early at all. */
    private EmbeddedChannel channel(boolean connectAllowed) {
        return channel(connectAllowed ? new EarlyDataGate.Policy(true, true, id -> false, false)
                : EarlyDataGate.Policy.NOTHING);
    }

    private EmbeddedChannel channel(EarlyDataGate.Policy policy) {
        return new EmbeddedChannel(new EarlyDataGate(connection, policy, 4096, earlyData::incrementAndGet,
                () -> opened.add("open")));
    }

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    }

    /** Everything the gate wrote towards the stream so far, as one hex string. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return out.toString();
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
    void withoutRetryAConnectActsEarlyOnlyForAClientIdWithoutASession() {
        List<String> asked = new ArrayList<>();
        EarlyDataGate.Policy policy = new EarlyDataGate.Policy(true, false, id -> {
            asked.add(id);
            return !id.equals("c");
        }, false);
        EmbeddedChannel known = channel(policy);
        known.writeInbound(hex(CONNECT + PINGREQ));
        assertEquals("", passed(known), "client id c has a session: a replay could take it over or discard it");
        assertEquals(List.of("c"), asked);
        connection.handshakeCompleted();
        assertEquals(CONNECT + PINGREQ, passed(known));
        known.finishAndReleaseAll();

        QuicConnectionState other = new QuicConnectionState();
        EmbeddedChannel unknown = new EmbeddedChannel(new EarlyDataGate(other, policy, 4096, earlyData::incrementAndGet,
                () -> { }));
        unknown.writeInbound(hex(CONNECT_5_NEW + PINGREQ + SUBSCRIBE));
        assertEquals(CONNECT_5_NEW + PINGREQ, passed(unknown), "a client id without a session acts early");
        assertEquals("new-1", asked.get(1), "read past the MQTT 5 properties");
        other.handshakeCompleted();
        assertEquals(SUBSCRIBE, passed(unknown), "connect-only: SUBSCRIBE waits");
        unknown.finishAndReleaseAll();
    }

    @Test
    void onLetsSubscribeThroughAfterTheConnectButNeverAPublish() {
        EmbeddedChannel ch = channel(new EarlyDataGate.Policy(true, true, id -> false, true));
        ch.writeInbound(hex(SUBSCRIBE + CONNECT));
        assertEquals("", passed(ch), "a SUBSCRIBE before any CONNECT is held");
        connection.handshakeCompleted();
        assertEquals(SUBSCRIBE + CONNECT, passed(ch));
        ch.finishAndReleaseAll();

        QuicConnectionState other = new QuicConnectionState();
        EmbeddedChannel on = new EmbeddedChannel(new EarlyDataGate(other,
                new EarlyDataGate.Policy(true, true, id -> false, true), 4096, () -> { }, () -> { }));
        on.writeInbound(hex(CONNECT + SUBSCRIBE + UNSUBSCRIBE + PINGREQ + PUBLISH + SUBSCRIBE));
        assertEquals(CONNECT + SUBSCRIBE + UNSUBSCRIBE + PINGREQ, passed(on));
        other.handshakeCompleted();
        assertEquals(PUBLISH + SUBSCRIBE, passed(on));
        on.finishAndReleaseAll();
    }

    @Test
    void deliveriesWaitForTheHandshakeWhileOtherAnswersGo() {
        EmbeddedChannel ch = channel(true);
        ch.writeOutbound(hex(CONNACK));
        ch.writeOutbound(hex(PUBLISH));
        ch.writeOutbound(hex(PINGRESP));
        assertEquals(CONNACK + PINGRESP, written(ch), "a delivery waits: a replayed connection is sent none");
        connection.handshakeCompleted();
        assertEquals(PUBLISH, written(ch), "then it goes");
        ch.finishAndReleaseAll();
    }

    @Test
    void aHeldDeliveryIsReleasedAndFailedWhenTheStreamCloses() {
        EmbeddedChannel ch = channel(true);
        ByteBuf publish = hex(PUBLISH);
        var future = ch.writeAndFlush(publish);
        ch.close();
        assertEquals(0, publish.refCnt());
        assertTrue(future.isDone() && !future.isSuccess());
    }

    @Test
    void withoutRetryAConnectThatWouldOutliveItsConnectionWaits() {
        EarlyDataGate.Policy noRetry = new EarlyDataGate.Policy(true, false, id -> true, false);
        for (String kept : new String[] {
                "100d00044d5154540400003c000163", // 3.1.1, clean session 0
                "101700044d5154540502003c0511" + "0000003c" + "00056e65772d31"}) { // 5.0, session expiry 60 s
            QuicConnectionState state = new QuicConnectionState();
            EmbeddedChannel ch = new EmbeddedChannel(new EarlyDataGate(state, noRetry, 4096, () -> { }, () -> { }));
            ch.writeInbound(hex(kept));
            assertEquals("", passed(ch), "a replay of it would leave a session behind: " + kept);
            state.handshakeCompleted();
            assertEquals(kept, passed(ch));
            ch.finishAndReleaseAll();
        }
        String fresh = "101200044d5154540502003c00" + "00056e65772d31"; // 5.0, clean start, no properties
        EmbeddedChannel ch = channel(noRetry);
        ch.writeInbound(hex(fresh + SUBSCRIBE));
        assertEquals(fresh, passed(ch));
        assertEquals(1, earlyData.get(), "counted as a CONNECT acted on early");
        connection.handshakeCompleted();
        assertEquals(SUBSCRIBE, passed(ch), "without replay protection SUBSCRIBE waits, even with on");
        ch.finishAndReleaseAll();
        assertTrue(EarlyDataGate.endsWithItsConnection(hex(CONNECT_5_NEW)), "session expiry 0 given");
    }

    @Test
    void onWithoutRetryStillHoldsSubscribe() {
        EmbeddedChannel ch = channel(new EarlyDataGate.Policy(true, false, id -> true, true));
        ch.writeInbound(hex(CONNECT + SUBSCRIBE));
        assertEquals(CONNECT, passed(ch), "a replayed SUBSCRIBE could rejoin a shared group that never drains");
        connection.handshakeCompleted();
        assertEquals(SUBSCRIBE, passed(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void aPingBeforeAnyConnectIsHeldAndNotCounted() {
        EmbeddedChannel ch = channel(true);
        ch.writeInbound(hex(PINGREQ + CONNECT));
        assertEquals("", passed(ch));
        assertEquals(0, earlyData.get());
        ch.finishAndReleaseAll();
    }

    @Test
    void moreHeldInputThanTheStreamsCreditClosesTheStream() {
        EmbeddedChannel ch = new EmbeddedChannel(new EarlyDataGate(connection, EarlyDataGate.Policy.NOTHING, 16,
                () -> { }, () -> { }));
        ByteBuf first = hex(PUBLISH);
        ByteBuf second = hex(PUBLISH + PUBLISH);
        ch.writeInbound(first);
        assertTrue(ch.isOpen(), "8 bytes held of 16");
        ch.writeInbound(second);
        assertFalse(ch.isOpen(), "24 bytes before the handshake: closed");
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
        ch.finishAndReleaseAll();
    }

    @Test
    void heldDeliveriesCountTowardsWritability() {
        EmbeddedChannel ch = channel(true);
        ch.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1024, 2048));
        ByteBuf big = Unpooled.buffer().writeBytes(HexFormat.of().parseHex("30" + "8520" + "000174"))
                .writeZero(4096 + 5 - 3);
        ch.write(big);
        assertFalse(ch.isWritable(), "a held 4 KiB delivery makes the stream unwritable, so the session waits");
        connection.handshakeCompleted();
        ByteBuf sent = ch.readOutbound();
        assertEquals(4104, sent.readableBytes(), "sent once the handshake completes");
        sent.release();
        assertTrue(ch.isWritable());
        ch.finishAndReleaseAll();
    }

    @Test
    void readsTheClientIdOfEveryVersion() {
        assertEquals("c", EarlyDataGate.clientId(hex(CONNECT)));
        assertEquals("new-1", EarlyDataGate.clientId(hex(CONNECT_5_NEW)));
        assertEquals("", EarlyDataGate.clientId(hex("100c00044d5154540402003c0000")), "an empty client id");
        assertNull(EarlyDataGate.clientId(hex("100600044d515454")), "cut short");
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
