package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.DeliveryQos;
import io.ternmq.config.RetainPolicy;
import org.junit.jupiter.api.Test;

/**
 * Two or three clients on one broker, talking MQTT 3.1.1 byte for byte. Topic "a/b" is 00 03 61 2F 62 on the
 * wire and payload "hi" is 68 69.
 */
class PublishSubscribeTest {

    private final TestEngine broker = TestEngine.start();
    private final WireClient pub = WireClient.connect(broker, "pub", true);
    private final WireClient sub = WireClient.connect(broker, "sub", true);

    @Test
    void subackGrantsQos1ForEveryRequestedQosOnThePlatformProfile() {
        sub.send("82 08 00 01 00 03 61 2F 62 00"); // QoS 0
        assertEquals("90 03 00 01 01", sub.read());
        sub.send("82 08 00 02 00 03 61 2F 63 01"); // QoS 1
        assertEquals("90 03 00 02 01", sub.read());
        sub.send("82 08 00 03 00 03 61 2F 64 02"); // QoS 2
        assertEquals("90 03 00 03 01", sub.read());
    }

    @Test
    void subackGrantsMinOfRequestedAnd1WithStandardDelivery() {
        TestEngine standard = TestEngine.defaults().deliveryQos(DeliveryQos.STANDARD).build();
        WireClient client = WireClient.connect(standard, "s", true);

        client.send("82 08 00 01 00 03 61 2F 62 00");
        assertEquals("90 03 00 01 00", client.read());
        client.send("82 08 00 02 00 03 61 2F 63 01");
        assertEquals("90 03 00 02 01", client.read());
        client.send("82 08 00 03 00 03 61 2F 64 02");
        assertEquals("90 03 00 03 01", client.read());
    }

    @Test
    void invalidFilterGets0x80AndTheOtherFiltersStillCount() {
        // Packet id 5: "a/#/b" QoS 1 (invalid: '#' not last), then "a/b" QoS 1.
        sub.send("82 10 00 05 00 05 61 2F 23 2F 62 01 00 03 61 2F 62 01");

        assertEquals("90 04 00 05 80 01", sub.read());
        assertEquals(1, broker.subscriptionCount());
        pub.send("30 07 00 03 61 2F 62 68 69");
        assertEquals("30 07 00 03 61 2F 62 68 69", sub.read());
    }

    @Test
    void filterLongerThanMaxTopicLengthGets0x80() {
        TestEngine small = TestEngine.defaults().maxTopicLength(5).build();
        WireClient client = WireClient.connect(small, "s", true);

        client.send("82 0A 00 01 00 05 61 2F 62 2F 63 01"); // "a/b/c": 5 characters
        assertEquals("90 03 00 01 01", client.read());
        client.send("82 0B 00 02 00 06 61 2F 62 2F 63 64 01"); // "a/b/cd": 6 characters
        assertEquals("90 03 00 02 80", client.read());
        assertEquals(1, small.subscriptionCount());
    }

    @Test
    void qos1PublishIsAcknowledgedAndDeliveredWithTheBrokersPacketId() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", sub.read());

        pub.send("32 09 00 03 61 2F 62 12 34 68 69"); // packet id 0x1234
        assertEquals("40 02 12 34", pub.read());
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69", sub.read());
        assertEquals(1, broker.registry().get("sub").inflight());

        sub.send("40 02 00 01");
        assertEquals(0, broker.registry().get("sub").inflight());
        pub.send("32 09 00 03 61 2F 62 12 35 68 69");
        assertEquals("40 02 12 35", pub.read());
        assertEquals("32 09 00 03 61 2F 62 00 02 68 69", sub.read());
    }

    @Test
    void qos0PublishIsDeliveredAtQos0WithoutAnAcknowledgement() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        sub.read();

        pub.send("30 07 00 03 61 2F 62 68 69");
        assertEquals("", pub.read());
        assertEquals("30 07 00 03 61 2F 62 68 69", sub.read());
        assertEquals(0, broker.registry().get("sub").inflight());
    }

    @Test
    void qos0SubscriptionGetsQos1WhenThePublisherUsedQos1() {
        sub.send(Packets.subscribe(1, "a/b", 0));
        assertEquals("90 03 00 01 01", sub.read());

        pub.send("32 09 00 03 61 2F 62 00 07 68 69");
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69", sub.read());
    }

    @Test
    void qos0SubscriptionGetsQos0WithStandardDelivery() {
        TestEngine standard = TestEngine.defaults().deliveryQos(DeliveryQos.STANDARD).build();
        WireClient p = WireClient.connect(standard, "p", true);
        WireClient s = WireClient.connect(standard, "s", true);
        s.send(Packets.subscribe(1, "a/b", 0));
        assertEquals("90 03 00 01 00", s.read());

        p.send("32 09 00 03 61 2F 62 00 07 68 69");
        assertEquals("40 02 00 07", p.read());
        assertEquals("30 07 00 03 61 2F 62 68 69", s.read());
    }

    @Test
    void unsubscribeIsAcknowledgedAndStopsDelivery() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        sub.read();

        sub.send("A2 07 00 02 00 03 61 2F 62");
        assertEquals("B0 02 00 02", sub.read());
        assertEquals(0, broker.subscriptionCount());
        pub.send("32 09 00 03 61 2F 62 00 07 68 69");
        assertEquals("40 02 00 07", pub.read());
        assertEquals("", sub.read());
    }

    @Test
    void unsubscribeOfAnUnknownFilterIsStillAcknowledged() {
        sub.send("A2 07 00 09 00 03 7A 2F 7A");
        assertEquals("B0 02 00 09", sub.read());
        assertTrue(sub.isOpen());
    }

    @Test
    void pingreqGetsPingresp() {
        sub.send("C0 00");
        assertEquals("D0 00", sub.read());
        assertTrue(sub.isOpen());
    }

    @Test
    void disconnectClosesTheConnectionAndEndsTheCleanSession() {
        sub.send("E0 00");

        assertEquals("", sub.read());
        assertFalse(sub.isOpen());
        assertEquals(null, broker.registry().get("sub"));
    }

    @Test
    void publishAfterDisconnectInTheSameReadIsNotDelivered() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        sub.read();

        // MQTT-3.14.4-2: nothing may follow DISCONNECT; a broker that already closed must not act on it.
        pub.send("E0 00 30 07 00 03 61 2F 62 68 69");

        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }

    @Test
    void plusMatchesOneLevel() {
        sub.send(Packets.subscribe(1, "a/+", 1));
        sub.read();

        pub.send(Packets.publish("a/b", 0, 0, "1"));
        pub.send(Packets.publish("a/b/c", 0, 0, "2"));
        pub.send(Packets.publish("a", 0, 0, "3"));

        assertEquals(Packets.publish("a/b", 0, 0, "1"), sub.read());
    }

    @Test
    void hashMatchesTheParentAndEveryLevelBelow() {
        sub.send(Packets.subscribe(1, "a/#", 1));
        sub.read();

        pub.send(Packets.publish("a", 0, 0, "1"));
        pub.send(Packets.publish("a/b/c", 0, 0, "2"));
        pub.send(Packets.publish("b/a", 0, 0, "3"));

        assertEquals(Packets.publish("a", 0, 0, "1") + " " + Packets.publish("a/b/c", 0, 0, "2"), sub.read());
    }

    @Test
    void dollarTopicsAreNotMatchedByALeadingWildcard() {
        sub.send(Packets.subscribe(1, "#", 1));
        sub.read();
        WireClient sys = WireClient.connect(broker, "sys", true);
        sys.send(Packets.subscribe(1, "$SYS/#", 1));
        sys.read();

        pub.send(Packets.publish("$SYS/x", 0, 0, "1"));
        pub.send(Packets.publish("xx", 0, 0, "2"));

        assertEquals(Packets.publish("xx", 0, 0, "2"), sub.read());
        assertEquals(Packets.publish("$SYS/x", 0, 0, "1"), sys.read());
    }

    @Test
    void overlappingFiltersDeliverOneCopy() {
        sub.send(Packets.subscribe(1, "a/#", 1));
        sub.send(Packets.subscribe(2, "a/+", 1));
        sub.send(Packets.subscribe(3, "a/b", 1));
        sub.read();

        pub.send("30 07 00 03 61 2F 62 68 69");
        assertEquals("30 07 00 03 61 2F 62 68 69", sub.read());
    }

    @Test
    void publisherSubscribedToItsOwnTopicReceivesItsMessage() {
        pub.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", pub.read());

        pub.send("32 09 00 03 61 2F 62 00 07 68 69");
        // Routed first, then acknowledged: the PUBACK means the broker has taken the message on.
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69 40 02 00 07", pub.read());
    }

    @Test
    void messagesOfOnePublisherArriveInOrderWithIncreasingPacketIds() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        sub.read();

        for (int i = 1; i <= 3; i++) {
            pub.send(Packets.publish("a/b", 1, 100 + i, "m" + i));
        }

        assertEquals(Packets.puback(101) + " " + Packets.puback(102) + " " + Packets.puback(103), pub.read());
        assertEquals(Packets.publish("a/b", 1, 1, "m1") + " " + Packets.publish("a/b", 1, 2, "m2") + " "
                + Packets.publish("a/b", 1, 3, "m3"), sub.read());
    }

    @Test
    void retainedPublishIsDeliveredWithoutRetainWhenIgnored() {
        TestEngine ignoring = TestEngine.defaults().retainedMessages(RetainPolicy.IGNORE).build();
        WireClient p = WireClient.connect(ignoring, "p", true);
        WireClient s = WireClient.connect(ignoring, "s", true);
        s.send(Packets.subscribe(1, "a/b", 1));
        s.read();

        p.send("33 09 00 03 61 2F 62 00 07 68 69"); // QoS 1, RETAIN
        assertEquals("40 02 00 07", p.read());
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69", s.read());
        assertTrue(p.isOpen());

        WireClient late = WireClient.connect(ignoring, "late", true);
        late.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", late.read(), "nothing is stored as retained");
    }

    @Test
    void deliveriesAreCounted() {
        sub.send(Packets.subscribe(1, "a/b", 1));
        sub.read();

        pub.send("30 07 00 03 61 2F 62 68 69");
        pub.send("30 07 00 03 7A 2F 7A 68 69"); // z/z: nobody subscribed

        assertEquals(2, broker.metrics().publishesReceived());
        assertEquals(1, broker.metrics().messagesDelivered());
    }
}
