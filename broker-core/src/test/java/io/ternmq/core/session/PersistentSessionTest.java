package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.protocol.Packets;
import io.ternmq.core.protocol.TestEngine;
import io.ternmq.core.protocol.WireClient;
import org.junit.jupiter.api.Test;

/**
 * PLATFORM.md 5: a clean-session-0 client keeps its subscriptions and its QoS 1 messages while away, gets them
 * back in order on reconnect, and unacknowledged ones come again with DUP=1 and the same packet id.
 */
class PersistentSessionTest {

    private final TestEngine broker = TestEngine.start();

    /** Connects "dev" with clean session 0 and subscribes it to "a/b". */
    private WireClient persistentSubscriber() {
        WireClient dev = WireClient.connect(broker, "dev", false);
        dev.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", dev.read());
        return dev;
    }

    private WireClient reconnect(String clientId, boolean cleanSession) {
        WireClient client = WireClient.open(broker);
        client.send(Packets.connect(clientId, cleanSession, 60));
        return client;
    }

    @Test
    void firstPersistentConnectHasNoSessionPresent() {
        WireClient client = reconnect("dev", false);
        assertEquals("20 02 00 00", client.read());
    }

    @Test
    void queuedQos1MessagesArriveInOrderAfterReconnect() {
        persistentSubscriber().drop();
        WireClient pub = WireClient.connect(broker, "pub", true);

        pub.send(Packets.publish("a/b", 1, 11, "m1"));
        pub.send(Packets.publish("a/b", 1, 12, "m2"));
        pub.send(Packets.publish("a/b", 1, 13, "m3"));
        assertEquals(Packets.puback(11) + " " + Packets.puback(12) + " " + Packets.puback(13), pub.read());
        assertEquals(3, broker.registry().get("dev").queued());

        WireClient back = reconnect("dev", false);
        assertEquals("20 02 01 00 "
                + "32 09 00 03 61 2F 62 00 01 6D 31 "
                + "32 09 00 03 61 2F 62 00 02 6D 32 "
                + "32 09 00 03 61 2F 62 00 03 6D 33", back.read());
        assertEquals(0, broker.registry().get("dev").queued());
    }

    @Test
    void subscriptionsSurviveTheDisconnect() {
        persistentSubscriber().drop();

        WireClient back = reconnect("dev", false);
        assertEquals("20 02 01 00", back.read());
        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send("30 07 00 03 61 2F 62 68 69");

        assertEquals("30 07 00 03 61 2F 62 68 69", back.read());
    }

    @Test
    void unacknowledgedDeliveryIsResentWithDupAndTheSamePacketId() {
        WireClient dev = persistentSubscriber();
        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("a/b", 1, 11, "m1"));
        pub.send(Packets.publish("a/b", 1, 12, "m2"));
        assertEquals("32 09 00 03 61 2F 62 00 01 6D 31 32 09 00 03 61 2F 62 00 02 6D 32", dev.read());
        dev.send(Packets.puback(1)); // m2 stays unacknowledged
        dev.drop();

        WireClient back = reconnect("dev", false);

        assertEquals("20 02 01 00 3A 09 00 03 61 2F 62 00 02 6D 32", back.read());
        back.send(Packets.puback(2));
        assertEquals(0, broker.registry().get("dev").inflight());
    }

    @Test
    void resentDeliveriesComeBeforeMessagesQueuedWhileAway() {
        WireClient dev = persistentSubscriber();
        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("a/b", 1, 11, "m1"));
        dev.read();
        dev.drop();
        pub.send(Packets.publish("a/b", 1, 12, "m2"));

        WireClient back = reconnect("dev", false);

        assertEquals("20 02 01 00 3A 09 00 03 61 2F 62 00 01 6D 31 32 09 00 03 61 2F 62 00 02 6D 32",
                back.read());
    }

    @Test
    void secondConnectionWithTheSameClientIdClosesTheFirst() {
        WireClient first = WireClient.connect(broker, "dev", true);

        WireClient second = reconnect("dev", true);

        assertEquals("20 02 00 00", second.read());
        assertFalse(first.isOpen());
        assertTrue(second.isOpen());
        assertEquals("", first.read());
        second.send("C0 00");
        assertEquals("D0 00", second.read());
    }

    @Test
    void takeoverOfAPersistentSessionKeepsItsSubscriptions() {
        WireClient first = persistentSubscriber();

        WireClient second = reconnect("dev", false);
        assertEquals("20 02 01 00", second.read());
        assertFalse(first.isOpen());

        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send("30 07 00 03 61 2F 62 68 69");
        assertEquals("30 07 00 03 61 2F 62 68 69", second.read());
        assertEquals("", first.read());
    }

    @Test
    void cleanSessionAfterAPersistentOneDiscardsIt() {
        persistentSubscriber().drop();
        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("a/b", 1, 11, "m1"));
        pub.read();

        WireClient clean = reconnect("dev", true);
        assertEquals("20 02 00 00", clean.read());
        assertEquals(0, broker.subscriptionCount());

        pub.send("30 07 00 03 61 2F 62 68 69");
        assertEquals("", clean.read());
        clean.drop();
        assertNull(broker.registry().get("dev"));

        WireClient persistentAgain = reconnect("dev", false);
        assertEquals("20 02 00 00", persistentAgain.read(), "the old session is gone for good");
    }

    @Test
    void cleanSessionEndsWhenTheConnectionCloses() {
        WireClient dev = WireClient.connect(broker, "dev", true);
        dev.send(Packets.subscribe(1, "a/b", 1));
        dev.read();
        dev.drop();

        assertNull(broker.registry().get("dev"));
        assertEquals(0, broker.subscriptionCount());
        WireClient again = reconnect("dev", false);
        assertEquals("20 02 00 00", again.read());
    }

    @Test
    void offlineQueueKeepsTheNewestAndCountsTheDropped() {
        TestEngine bounded = TestEngine.defaults().maxQueuedMessages(5).build();
        WireClient dev = WireClient.connect(bounded, "dev", false);
        dev.send(Packets.subscribe(1, "a/b", 1));
        dev.read();
        dev.drop();
        WireClient pub = WireClient.connect(bounded, "pub", true);

        for (int i = 1; i <= 8; i++) {
            pub.send(Packets.publish("a/b", 1, i, "m" + i));
        }
        assertEquals(3, bounded.metrics().droppedQueueFull.sum());
        assertEquals(5, bounded.registry().get("dev").queued());

        WireClient back = WireClient.open(bounded);
        back.send(Packets.connect("dev", false, 60));
        StringBuilder expected = new StringBuilder("20 02 01 00");
        for (int i = 4; i <= 8; i++) {
            expected.append(' ').append(Packets.publish("a/b", 1, i - 3, "m" + i));
        }
        assertEquals(expected.toString(), back.read());
    }

    @Test
    void qos0ToAnOfflineSessionIsDroppedAndCounted() {
        persistentSubscriber().drop();
        WireClient pub = WireClient.connect(broker, "pub", true);

        pub.send("30 07 00 03 61 2F 62 68 69");
        pub.send("30 07 00 03 61 2F 62 68 69");

        assertEquals(2, broker.metrics().droppedOffline.sum());
        assertEquals(0, broker.registry().get("dev").queued());
        WireClient back = reconnect("dev", false);
        assertEquals("20 02 01 00", back.read());
    }

    @Test
    void persistentSessionOutlivesItsConnectionInTheRegistry() {
        persistentSubscriber().drop();

        Session session = broker.registry().get("dev");
        assertNotNull(session);
        assertNull(session.connection());
        assertEquals(1, broker.subscriptionCount());
    }
}
