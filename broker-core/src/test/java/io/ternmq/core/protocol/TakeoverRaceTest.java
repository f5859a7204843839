package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.topic.SubscriptionFilter;
import org.junit.jupiter.api.Test;

/**
 * Races around takeover, replayed deterministically: work a taken-over connection submitted (a packet its event
 * loop read just before the takeover) runs on the owner after the new connection's attach.
 */
class TakeoverRaceTest {

    private static ClientConnection connectionOf(WireClient client, String handler) {
        return ((SessionPacketHandler) client.channel().pipeline().get(handler)).connection;
    }

    @Test
    void eachTakeoverIsCountedAndAReconnectAfterACloseIsNot() {
        TestEngine broker = TestEngine.start();
        WireClient c1 = WireClient.connect(broker, "x", true);
        WireClient.connect(broker, "x", true);
        WireClient c3 = WireClient.connect(broker, "x", true);

        assertEquals(2, broker.metrics().sessionsTakenOver.sum());
        assertFalse(c1.isOpen());
        c3.drop();
        WireClient.connect(broker, "x", true);
        assertEquals(2, broker.metrics().sessionsTakenOver.sum(), "the last one found no live connection");
    }

    @Test
    void aStaleSubscribeFromTheOldConnectionLeavesNothingBehind() {
        TestEngine broker = TestEngine.start();
        WireClient c1 = WireClient.connect(broker, "x", true);
        ClientConnection old = connectionOf(c1, Mqtt3Handler.NAME);
        WireClient c2 = WireClient.connect(broker, "x", true);
        old.submit(s -> s.subscribe(SubscriptionFilter.parse("ghost/#", 128), 1, false));

        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("ghost/1", 0, 0, "hi"));
        assertEquals("", c2.read(), "the new session never subscribed to ghost/#");
        c2.drop();
        assertEquals(0, broker.subscriptionCount(), "a ghost subscription stayed in the trie");
    }

    @Test
    void aStaleUnsubscribeFromTheOldConnectionKeepsTheNewSubscription() {
        TestEngine broker = TestEngine.start();
        WireClient c1 = WireClient.connect(broker, "x", true);
        ClientConnection old = connectionOf(c1, Mqtt3Handler.NAME);
        WireClient c2 = WireClient.connect(broker, "x", true);
        c2.send(Packets.subscribe(1, "a/b", 1));
        c2.read();
        old.submit(s -> s.unsubscribe("a/b"));

        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("a/b", 0, 0, "hi"));
        assertTrue(c2.read().startsWith("30"), "c2 lost its subscription to a stale UNSUBSCRIBE");
    }

    @Test
    void aSharedMessageHeldByAMemberThatStartsCleanGoesToAnotherMember() {
        TestEngine broker = TestEngine.start();
        WireClient m1 = WireClient.connect(broker, "m1", true);
        m1.send(Packets.subscribe(1, "$share/g/t", 1));
        m1.read();
        WireClient m2 = WireClient.connect(broker, "m2", true);
        m2.send(Packets.subscribe(1, "$share/g/t", 1));
        m2.read();
        WireClient pub = WireClient.connect(broker, "pub", true);
        pub.send(Packets.publish("t", 1, 7, "hi"));
        pub.read();
        boolean m1Took = !m1.read().isEmpty();
        WireClient other = m1Took ? m2 : m1;
        assertEquals("", other.read());

        WireClient.connect(broker, m1Took ? "m1" : "m2", true); // the taker comes back with clean session
        assertTrue(other.read().startsWith("32"), "the unacknowledged shared message was lost");
        assertEquals(0, broker.metrics().droppedNoShareMember.sum());
    }

    @Test
    void reconnectsDoNotPileUpExpiryTimers() {
        TestEngine broker = TestEngine.start();
        for (int i = 0; i < 100; i++) {
            WireClient c = Mqtt5Wire.connect(broker, "dev", false,
                    Packets5.props().fourByte(Packets5.SESSION_EXPIRY_INTERVAL, 86400));
            c.drop();
        }
        assertEquals(1, broker.registry().pendingExpiryTimers(), "one offline session, one timer");
    }
}
