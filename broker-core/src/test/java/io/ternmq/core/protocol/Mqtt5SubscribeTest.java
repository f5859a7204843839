package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MQTT 5 SUBSCRIBE and UNSUBSCRIBE: SUBACK and UNSUBACK reason codes, Subscription Identifiers and No Local. */
class Mqtt5SubscribeTest {

    private final TestEngine broker = TestEngine.start();
    private final WireClient client = Mqtt5Wire.connect(broker, "c1");

    @Test
    void subackGrantsQos1ForQos0And1And2Requests() {
        client.send(Packets5.subscribe(1, props(), "a/0", 0x00, "a/1", 0x01, "a/2", 0x02));

        // Packet id 00 01, no properties (00), one reason code per filter: Granted QoS 1 (PLATFORM.md 3).
        assertEquals(Hex.normalise("90 06 00 01 00 01 01 01"), client.read());
        assertEquals(3, broker.subscriptionCount());
    }

    @Test
    void invalidFilterGets0x8FAndTheOtherFiltersStillCount() {
        client.send(Packets5.subscribe(5, props(), "a/#/b", 0x01, "a/b", 0x01));

        assertEquals(Hex.normalise("90 05 00 05 00 8F 01"), client.read());
        assertEquals(1, broker.subscriptionCount());
        assertTrue(client.isOpen());
    }

    @Test
    void filterLongerThanMaxTopicLengthGets0x8F() {
        client.send(Packets5.subscribe(1, props(),
                "a/" + Packets5.repeat('f', 126), 0x01, // 128 characters
                "a/" + Packets5.repeat('f', 127), 0x01)); // 129 characters

        assertEquals(Hex.normalise("90 05 00 01 00 01 8F"), client.read());
        assertEquals(1, broker.subscriptionCount());
    }

    @Test
    void subscriptionIdentifierGetsDisconnect0xA1() {
        client.send(Packets5.subscribe(1, props().varInt(Packets5.SUBSCRIPTION_IDENTIFIER, 7), "a/b", 0x01));

        assertEquals(Packets5.disconnect(0xA1, "subscription identifiers are not supported"), client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.subscriptionCount());
    }

    @Test
    void noLocalSubscriberDoesNotGetItsOwnMessagesButOthersDo() {
        WireClient other = Mqtt5Wire.connect(broker, "other");
        Mqtt5Wire.subscribe(client, 1, "a/b", 0x05); // QoS 1, No Local
        Mqtt5Wire.subscribe(other, 1, "a/b", 0x01);

        client.send(Packets5.publish("a/b", 1, 7, props(), "own"));
        assertEquals(Packets5.puback(7), client.read());
        assertEquals("", client.read());
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "own"), other.read());

        other.send(Packets5.publish("a/b", 0, 0, props(), "theirs"));
        assertEquals(Packets5.publish("a/b", 0, 0, props(), "theirs"), client.read());
    }

    @Test
    void withoutNoLocalASubscriberGetsItsOwnMessages() {
        Mqtt5Wire.subscribe(client, 1, "a/b", 0x01);

        client.send(Packets5.publish("a/b", 0, 0, props(), "own"));

        assertEquals(Packets5.publish("a/b", 0, 0, props(), "own"), client.read());
    }

    @Test
    void noLocalOnASharedSubscriptionGetsDisconnect0x82() {
        client.send(Packets5.subscribe(1, "$share/g/a/b", 0x05));

        assertEquals(Packets5.disconnect(0x82, "No Local on a shared subscription"), client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.subscriptionCount());
    }

    @Test
    void unsubackSays0x00ForASubscriptionAnd0x11ForNone() {
        Mqtt5Wire.subscribe(client, 1, "a/b", 0x01);

        client.send(Packets5.unsubscribe(2, "a/b", "c/d"));

        assertEquals(Hex.normalise("B0 05 00 02 00 00 11"), client.read());
        assertEquals(0, broker.subscriptionCount());
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        pub.send(Packets5.publish("a/b", 0, 0, props(), "hi"));
        assertEquals("", client.read());
    }

    @Test
    void unsubscribingTwiceSays0x11TheSecondTime() {
        Mqtt5Wire.subscribe(client, 1, "a/+", 0x01);

        client.send(Packets5.unsubscribe(2, "a/+"));
        assertEquals(Hex.normalise("B0 04 00 02 00 00"), client.read());
        client.send(Packets5.unsubscribe(3, "a/+"));
        assertEquals(Hex.normalise("B0 04 00 03 00 11"), client.read());
    }

    @Test
    void wildcardSubscriptionsMatchAsInMqtt311() {
        Mqtt5Wire.subscribe(client, 1, "a/+/c", 0x00);
        WireClient pub = Mqtt5Wire.connect(broker, "pub");

        pub.send(Packets5.publish("a/b/c", 0, 0, props(), "1"));
        pub.send(Packets5.publish("a/b/d", 0, 0, props(), "2"));

        assertEquals(Packets5.publish("a/b/c", 0, 0, props(), "1"), client.read());
    }
}
