package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.protocol.Mqtt5Wire.Publish;
import org.junit.jupiter.api.Test;

/**
 * PLATFORM.md 3 for MQTT 5 publishers: a PUBLISH that breaks a per-message limit is not delivered; QoS 1 learns
 * why from PUBACK 0x83 (0x90 for the topic, 0x97 for the payload) with a Reason String naming the rule, unless
 * it asked for no problem information; QoS 0 is dropped and counted; the connection stays usable.
 * "sub" is subscribed to "#".
 */
class Mqtt5PublishLimitsTest {

    private final TestEngine broker = TestEngine.start();
    private final WireClient pub = Mqtt5Wire.connect(broker, "pub");
    private final WireClient sub = Mqtt5Wire.connect(broker, "sub");

    Mqtt5PublishLimitsTest() {
        Mqtt5Wire.subscribe(sub, 1, "#", 1);
    }

    /** A QoS 1 PUBLISH with these properties is refused with exactly this PUBACK, and nothing is delivered. */
    private void assertRefused(String publish, int reasonCode, String reasonString) {
        pub.send(publish);

        assertEquals(Packets5.puback(7, reasonCode, reasonString), pub.read());
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable(pub);
    }

    private void assertRefused(Packets5.Props props, int reasonCode, String reasonString) {
        assertRefused(Packets5.publish("a/b", 1, 7, props, "hi"), reasonCode, reasonString);
    }

    /** A QoS 1 PUBLISH with these properties is acknowledged with Success and delivered. */
    private Publish assertDelivered(Packets5.Props props) {
        pub.send(Packets5.publish("a/b", 1, 7, props, "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        Publish got = Mqtt5Wire.publish(Mqtt5Wire.single(sub.read()));
        assertEquals("hi", got.payloadText());
        assertEquals(0, broker.metrics().droppedPlatformRule.sum());
        return got;
    }

    /** The connection still works after the refusal: a good PUBLISH that follows is delivered. */
    private void assertStillUsable(WireClient publisher) {
        assertTrue(publisher.isOpen());
        publisher.send(Packets5.publish("a/b", 1, 8, props(), "ok"));
        assertEquals(Packets5.puback(8), publisher.read());
        Publish got = Mqtt5Wire.publish(Mqtt5Wire.single(sub.read()));
        assertEquals("ok", got.payloadText());
    }

    private static Packets5.Props userProperties(int count) {
        Packets5.Props p = props();
        for (int i = 1; i <= count; i++) {
            p.user(String.format("k%02d", i), "v" + i);
        }
        return p;
    }

    // ---- user properties ----

    @Test
    void twentyUserPropertiesAreDelivered() {
        assertEquals(20, assertDelivered(userProperties(20)).properties().users().size());
    }

    @Test
    void twentyOneUserPropertiesGetPuback0x83NamingTheRule() {
        assertRefused(userProperties(21), 0x83, "more than 20 user properties");
    }

    @Test
    void withoutProblemInformationTheRefusalHasNoReasonString() {
        WireClient quiet = Mqtt5Wire.connect(broker, "quiet", true,
                props().byteProperty(Packets5.REQUEST_PROBLEM_INFORMATION, 0));

        quiet.send(Packets5.publish("a/b", 1, 7, userProperties(21), "hi"));

        assertEquals(Packets5.puback(7, 0x83, props()), quiet.read()); // 40 04 00 07 83 00
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable(quiet);
    }

    @Test
    void reasonStringIsLeftOutWhenItWouldExceedTheClientsMaximumPacketSize() {
        // Maximum Packet Size 40: the CONNACK (26 bytes) fits, a PUBACK carrying the ~70-character reason string
        // for this key would not. MQTT-3.4.2-2: the Reason String must then be left out, the PUBACK still sent.
        WireClient small = Mqtt5Wire.connect(broker, "small", true,
                props().fourByte(Packets5.MAXIMUM_PACKET_SIZE, 40));

        small.send(Packets5.publish("a/b", 1, 7, props().user("_" + Packets5.repeat('k', 40), "v"), "hi"));

        assertEquals(Packets5.puback(7, 0x83, props()), small.read());
        assertEquals("", sub.read());
    }

    @Test
    void userPropertyKeyStartingWithUnderscoreGetsPuback0x83() {
        assertRefused(props().user("ok", "1").user("_internal", "x"), 0x83,
                "user property key '_internal' starts with '_'");
    }

    @Test
    void userPropertyOf129CharactersGetsPuback0x83() {
        assertRefused(props().user("key", Packets5.repeat('v', 126)), 0x83,
                "user property 'key' is longer than 128 characters (key plus value)");
    }

    @Test
    void userPropertyOf128CharactersIsDelivered() {
        assertDelivered(props().user("key", Packets5.repeat('v', 125)));
    }

    @Test
    void userPropertyLengthCountsCharactersNotBytes() {
        // 1 + 127 characters, 1 + 254 bytes in UTF-8.
        assertDelivered(props().user("k", Packets5.repeat('\u00e9', 127)));
    }

    // ---- response topic and correlation data ----

    @Test
    void responseTopicOf128CharactersIsDelivered() {
        String topic = Packets5.repeat('r', 128);
        Publish got = assertDelivered(props().string(Packets5.RESPONSE_TOPIC, topic));
        assertEquals(topic, got.properties().string(Packets5.RESPONSE_TOPIC));
    }

    @Test
    void responseTopicOf129CharactersGetsPuback0x83() {
        assertRefused(props().string(Packets5.RESPONSE_TOPIC, Packets5.repeat('r', 129)), 0x83,
                "response topic longer than 128 characters");
    }

    @Test
    void responseTopicWithAWildcardGetsPuback0x83() {
        assertRefused(props().string(Packets5.RESPONSE_TOPIC, "reply/+"), 0x83,
                "response topic is not a valid topic name: topic name contains a wildcard");
    }

    @Test
    void correlationDataOf128BytesIsDelivered() {
        byte[] data = new byte[128];
        data[0] = 1;
        data[127] = (byte) 0xFF;
        Publish got = assertDelivered(props().binary(Packets5.CORRELATION_DATA, data));
        assertEquals(Hex.of(data), got.properties().binary(Packets5.CORRELATION_DATA));
    }

    @Test
    void correlationDataOf129BytesGetsPuback0x83() {
        assertRefused(props().binary(Packets5.CORRELATION_DATA, new byte[129]), 0x83,
                "correlation data longer than 128 bytes");
    }

    // ---- topic and payload ----

    @Test
    void topicOverMaxTopicLengthGetsPuback0x90() {
        assertRefused(Packets5.publish("a/" + Packets5.repeat('t', 127), 1, 7, props(), "hi"), 0x90,
                "topic is too long");
    }

    @Test
    void topicAtMaxTopicLengthIsDelivered() {
        String topic = "a/" + Packets5.repeat('t', 126);
        pub.send(Packets5.publish(topic, 1, 7, props(), "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        assertEquals(topic, Mqtt5Wire.publish(Mqtt5Wire.single(sub.read())).topic());
    }

    @Test
    void payloadOverMaxPayloadGetsPuback0x97() {
        // 0x97 Quota exceeded, deliberately: 0x95 is not a PUBACK reason code (MQTT 5 3.4.2.1).
        TestEngine small = TestEngine.defaults().maxPayload(4).build();
        WireClient p = Mqtt5Wire.connect(small, "p");
        WireClient s = Mqtt5Wire.connect(small, "s");
        Mqtt5Wire.subscribe(s, 1, "#", 1);

        p.send(Packets5.publish("a/b", 1, 7, props(), "12345"));
        assertEquals(Packets5.puback(7, 0x97, "payload larger than 4 bytes"), p.read());
        assertEquals("", s.read());
        assertEquals(1, small.metrics().droppedPlatformRule.sum());

        p.send(Packets5.publish("a/b", 1, 8, props(), "1234"));
        assertEquals(Packets5.puback(8), p.read());
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "1234"), s.read());
    }

    // ---- QoS 0 ----

    @Test
    void qos0BreakingALimitIsDroppedSilentlyAndCounted() {
        pub.send(Packets5.publish("a/b", 0, 0, userProperties(21), "hi"));
        pub.send(Packets5.publish("a/b", 0, 0, props().binary(Packets5.CORRELATION_DATA, new byte[129]), "hi"));
        pub.send(Packets5.publish("a/" + Packets5.repeat('t', 127), 0, 0, props(), "hi"));

        assertEquals("", pub.read());
        assertEquals("", sub.read());
        assertEquals(3, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable(pub);
    }
}
