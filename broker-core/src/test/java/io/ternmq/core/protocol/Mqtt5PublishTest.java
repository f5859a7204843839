package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.RetainPolicy;
import io.ternmq.core.protocol.Mqtt5Wire.Publish;
import io.ternmq.core.protocol.Mqtt5Wire.UserProperty;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 PUBLISH between clients on one broker: the platform's QoS 2 and retain rules, the properties that travel
 * with a message, 3.1.1 and 5.0 interoperating, and topic aliases both ways. "sub" is subscribed to "#" at QoS 1;
 * topic "a/b" is 00 03 61 2F 62 on the wire, payload "hi" 68 69.
 */
class Mqtt5PublishTest {

    private final TestEngine broker = TestEngine.start();
    private final WireClient pub = Mqtt5Wire.connect(broker, "pub");
    private final WireClient sub = Mqtt5Wire.connect(broker, "sub");

    Mqtt5PublishTest() {
        Mqtt5Wire.subscribe(sub, 1, "#", 1);
    }

    // ---- QoS 2 and retain ----

    @Test
    void qos2PublishGetsDisconnect0x9BAndIsNotDelivered() {
        pub.send(Packets5.publish("a/b", 2, 7, props(), "hi"));

        assertEquals(Packets5.disconnect(0x9B, "QoS 2 is not supported"), pub.read());
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().protocolViolations.sum());
    }

    @Test
    void retainedPublishGetsDisconnect0x9AAndIsNotDelivered() {
        pub.send(Packets5.publish(0x31, "a/b", 0, props(), "hi".getBytes())); // QoS 0, RETAIN

        assertEquals(Packets5.disconnect(0x9A, "retained messages are not supported"), pub.read());
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }

    @Test
    void retainedPublishIsDeliveredWithRetain0WhenRetainIsIgnored() {
        TestEngine ignoring = TestEngine.defaults().retainedMessages(RetainPolicy.IGNORE).build();
        WireClient p = Mqtt5Wire.connect(ignoring, "p");
        WireClient s = Mqtt5Wire.connect(ignoring, "s");
        Mqtt5Wire.subscribe(s, 1, "a/b", 1);

        p.send(Packets5.publish(0x33, "a/b", 7, props(), "hi".getBytes())); // QoS 1, RETAIN

        assertEquals(Packets5.puback(7), p.read());
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "hi"), s.read());
        assertTrue(p.isOpen());
    }

    // ---- properties forwarded ----

    @Test
    void twentyUserPropertiesArriveUnchangedAndInOrder() {
        // Out of key order, a repeated key and a repeated pair: order and duplicates are the publisher's.
        Packets5.Props users = props();
        for (int i = 20; i > 4; i--) {
            users.user("k" + i, "v" + i);
        }
        users.user("dup", "first").user("dup", "second").user("same", "x").user("same", "x");

        pub.send(Packets5.publish("a/b", 1, 7, users, "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        assertEquals(Packets5.publish("a/b", 1, 1, users, "hi"), sub.read(), "the same property bytes, in order");
    }

    @Test
    void payloadFormatContentTypeResponseTopicAndCorrelationDataArriveUnchanged() {
        pub.send(Packets5.publish("a/b", 1, 7, props()
                .byteProperty(Packets5.PAYLOAD_FORMAT_INDICATOR, 1)
                .string(Packets5.CONTENT_TYPE, "text/plain; charset=utf-8")
                .string(Packets5.RESPONSE_TOPIC, "reply/to/pub")
                .binary(Packets5.CORRELATION_DATA, new byte[] {0, 1, (byte) 0xFE, (byte) 0xFF})
                .user("k", "v"), "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        Publish got = Mqtt5Wire.publish(Mqtt5Wire.single(sub.read()));
        assertEquals("a/b", got.topic());
        assertEquals("hi", got.payloadText());
        assertEquals(Map.of(
                Packets5.PAYLOAD_FORMAT_INDICATOR, 1L,
                Packets5.CONTENT_TYPE, "text/plain; charset=utf-8",
                Packets5.RESPONSE_TOPIC, "reply/to/pub",
                Packets5.CORRELATION_DATA, "00 01 FE FF"), got.properties().asMap());
        assertEquals(List.of(new UserProperty("k", "v")), got.properties().users());
    }

    @Test
    void messageExpiryIntervalIsForwardedAsTheRemainingTime() {
        pub.send(Packets5.publish("a/b", 1, 7, props().fourByte(Packets5.MESSAGE_EXPIRY_INTERVAL, 60), "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        Publish got = Mqtt5Wire.publish(Mqtt5Wire.single(sub.read()));
        long remaining = got.properties().integer(Packets5.MESSAGE_EXPIRY_INTERVAL);
        assertTrue(remaining <= 60 && remaining >= 59, "remaining expiry " + remaining);
        assertEquals(List.of(Packets5.MESSAGE_EXPIRY_INTERVAL), got.properties().ids());
    }

    @Test
    void messageWithoutPropertiesArrivesWithAnEmptyPropertyBlock() {
        pub.send(Packets5.publish("a/b", 0, 0, props(), "hi"));

        assertEquals("", pub.read());
        assertEquals(Hex.normalise("30 08 00 03 61 2F 62 00 68 69"), sub.read());
    }

    // ---- 3.1.1 and 5.0 together ----

    @Test
    void mqtt311SubscriberGetsAnMqtt5MessageWithoutProperties() {
        WireClient old = WireClient.connect(broker, "old", true);
        old.send(Packets.subscribe(1, "a/b", 1));
        assertEquals("90 03 00 01 01", old.read());

        pub.send(Packets5.publish("a/b", 1, 7, props()
                .user("k", "v")
                .string(Packets5.RESPONSE_TOPIC, "r")
                .fourByte(Packets5.MESSAGE_EXPIRY_INTERVAL, 60), "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69", old.read());
        assertEquals(List.of(new UserProperty("k", "v")),
                Mqtt5Wire.publish(Mqtt5Wire.single(sub.read())).properties().users(), "5.0 still gets them");
    }

    @Test
    void mqtt5SubscriberGetsAnMqtt311Message() {
        WireClient old = WireClient.connect(broker, "old", true);

        old.send("32 09 00 03 61 2F 62 00 07 68 69");

        assertEquals("40 02 00 07", old.read());
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "hi"), sub.read());
    }

    // ---- topic aliases, client to broker ----

    @Test
    void topicAliasSetThenUsedDeliversBothWithTheFullTopic() {
        pub.send(Packets5.publish("a/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "m1"));
        pub.send(Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "m2"));

        assertEquals("", pub.read());
        assertEquals(Packets5.publish("a/b", 0, 0, props(), "m1") + " "
                + Packets5.publish("a/b", 0, 0, props(), "m2"), sub.read());
        assertTrue(pub.isOpen());
    }

    @Test
    void topicAliasCanBeRemappedAndTheHighestAliasIsAllowed() {
        pub.send(Packets5.publish("a/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 16), "m1"));
        pub.send(Packets5.publish("c/d", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 16), "m2"));
        pub.send(Packets5.publish("", 1, 9, props().twoByte(Packets5.TOPIC_ALIAS, 16), "m3"));

        assertEquals(Packets5.puback(9), pub.read());
        List<Publish> got = Mqtt5Wire.publishes(sub.read());
        assertEquals(List.of("a/b", "c/d", "c/d"), got.stream().map(Publish::topic).toList());
        assertEquals(List.of("m1", "m2", "m3"), got.stream().map(Publish::payloadText).toList());
    }

    @Test
    void topicAlias0GetsDisconnect0x94() {
        pub.send(Packets5.publish("a/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 0), "hi"));

        assertEquals(Packets5.disconnect(0x94, "topic alias 0 outside 1..16"), pub.read());
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }

    @Test
    void topicAliasAboveTheBrokersMaximumGetsDisconnect0x94() {
        pub.send(Packets5.publish("a/b", 1, 7, props().twoByte(Packets5.TOPIC_ALIAS, 17), "hi"));

        assertEquals(Packets5.disconnect(0x94, "topic alias 17 outside 1..16"), pub.read());
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }

    @Test
    void emptyTopicWithAnUnknownAliasGetsDisconnect0x82() {
        pub.send(Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "hi"));

        assertEquals(Packets5.disconnect(0x82, "topic alias 1 was never set"), pub.read());
        assertFalse(pub.isOpen());
    }

    @Test
    void emptyTopicWithoutAnAliasGetsDisconnect0x82() {
        pub.send(Packets5.publish("", 0, 0, props(), "hi"));

        assertEquals(Packets5.disconnect(0x82, "empty topic name without a topic alias"), pub.read());
        assertFalse(pub.isOpen());
    }

    @Test
    void aliasesAreNotSharedBetweenConnections() {
        pub.send(Packets5.publish("a/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "m1"));
        WireClient other = Mqtt5Wire.connect(broker, "other");

        other.send(Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "m2"));

        assertEquals(Packets5.disconnect(0x82, "topic alias 1 was never set"), other.read());
        assertEquals(Packets5.publish("a/b", 0, 0, props(), "m1"), sub.read());
    }

    // ---- topic aliases, broker to client ----

    @Test
    void subscriberThatAllowsTwoAliasesGetsThemAndThenFullTopics() {
        WireClient aliased = Mqtt5Wire.connect(broker, "aliased", true,
                props().twoByte(Packets5.TOPIC_ALIAS_MAXIMUM, 2));
        Mqtt5Wire.subscribe(aliased, 1, "t/#", 0);

        pub.send(Packets5.publish("t/a", 0, 0, props(), "1"));
        pub.send(Packets5.publish("t/a", 0, 0, props(), "2"));
        pub.send(Packets5.publish("t/b", 0, 0, props(), "3"));
        pub.send(Packets5.publish("t/c", 0, 0, props(), "4"));
        pub.send(Packets5.publish("t/b", 0, 0, props(), "5"));

        assertEquals(String.join(" ",
                Packets5.publish("t/a", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "1"),
                Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "2"),
                Packets5.publish("t/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 2), "3"),
                Packets5.publish("t/c", 0, 0, props(), "4"), // no alias left: the full topic, no alias
                Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 2), "5")),
                aliased.read());
    }

    @Test
    void subscriberWithoutTopicAliasMaximumNeverGetsAnAlias() {
        pub.send(Packets5.publish("a/b", 0, 0, props(), "1"));
        pub.send(Packets5.publish("a/b", 0, 0, props(), "2"));
        pub.send(Packets5.publish("a/b", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "3"));
        pub.send(Packets5.publish("", 0, 0, props().twoByte(Packets5.TOPIC_ALIAS, 1), "4"));

        List<Publish> got = Mqtt5Wire.publishes(sub.read());
        assertEquals(4, got.size());
        for (Publish p : got) {
            assertEquals("a/b", p.topic());
            assertFalse(p.properties().has(Packets5.TOPIC_ALIAS), "alias sent to a client that allows none");
        }
    }

    // ---- malformed ----

    @Test
    void publishWithAnUndefinedPropertyGetsDisconnect0x81() {
        pub.send(Packets5.publish("a/b", 0, 0, props().raw("7F 00"), "hi"));

        assertEquals(0x81, Mqtt5Wire.disconnect(pub.read()).reasonCode());
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }
}
