package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.WriteBufferWaterMark;
import io.ternmq.core.protocol.Packets;
import io.ternmq.core.protocol.TestEngine;
import io.ternmq.core.protocol.WireClient;
import org.junit.jupiter.api.Test;

/**
 * The broker never has more unacknowledged QoS 1 deliveries out than limits.max-inflight, and never writes
 * into a socket that is over its high-water mark: both hold messages back in order, seen on the wire.
 */
class FlowControlTest {

    private final TestEngine broker = TestEngine.defaults().maxInflight(2).build();
    private final WireClient pub = WireClient.connect(broker, "pub", true);
    private final WireClient sub = WireClient.connect(broker, "sub", true);

    FlowControlTest() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", sub.read());
    }

    @Test
    void subscriberThatDoesNotAcknowledgeGetsNoMoreThanMaxInflight() {
        for (int i = 1; i <= 4; i++) {
            pub.send(Packets.publish("a/b", 1, i, "m" + i));
        }

        assertEquals("32 09 00 03 61 2F 62 00 01 6D 31 32 09 00 03 61 2F 62 00 02 6D 32", sub.read());
        assertEquals(2, broker.registry().get("sub").queued());

        sub.send("40 02 00 01");
        assertEquals("32 09 00 03 61 2F 62 00 03 6D 33", sub.read());
        sub.send("40 02 00 02");
        assertEquals("32 09 00 03 61 2F 62 00 04 6D 34", sub.read());
        sub.send("40 02 00 03");
        assertEquals("", sub.read());
    }

    @Test
    void duplicatePubackDoesNotOpenTheWindowTwice() {
        for (int i = 1; i <= 4; i++) {
            pub.send(Packets.publish("a/b", 1, i, "m" + i));
        }
        sub.read();

        sub.send("40 02 00 01");
        sub.send("40 02 00 01");

        assertEquals("32 09 00 03 61 2F 62 00 03 6D 33", sub.read());
        assertEquals(2, broker.registry().get("sub").inflight());
    }

    @Test
    void stalledSocketQueuesDeliveriesUntilItDrains() {
        // One 9-byte PUBLISH left unwritten puts the subscriber's socket over this mark.
        sub.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 8));
        sub.stallSocket();

        pub.send("30 07 00 03 61 2F 62 61 61 30 07 00 03 61 2F 62 62 62 30 07 00 03 61 2F 62 63 63");
        assertEquals("", sub.read());
        assertFalse(sub.channel().isWritable());
        assertEquals(2, broker.registry().get("sub").queued(), "the first is in the socket, two wait");

        sub.resumeSocket();
        assertEquals("30 07 00 03 61 2F 62 61 61 30 07 00 03 61 2F 62 62 62 30 07 00 03 61 2F 62 63 63",
                sub.read());
        assertEquals(0, broker.registry().get("sub").queued());
    }

    @Test
    void stalledSocketDoesNotHoldUpOtherSubscribers() {
        WireClient other = WireClient.connect(broker, "other", true);
        other.send(Packets.subscribe(1, "a/b", 1));
        other.read();
        sub.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 8));
        sub.stallSocket();

        pub.send("30 07 00 03 61 2F 62 61 61 30 07 00 03 61 2F 62 62 62");

        assertEquals("30 07 00 03 61 2F 62 61 61 30 07 00 03 61 2F 62 62 62", other.read());
        assertEquals(1, broker.registry().get("sub").queued());
    }
}
