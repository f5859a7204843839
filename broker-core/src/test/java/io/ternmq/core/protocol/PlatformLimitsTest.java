package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * PLATFORM.md 3: a PUBLISH over a per-message limit is not delivered, QoS 1 is still acknowledged (3.x has no
 * negative PUBACK), the drop is counted, and the connection stays usable. Here max-topic-length is 5 and
 * max-payload 4 bytes so the packets stay short enough to read.
 */
class PlatformLimitsTest {

    private final TestEngine broker = TestEngine.defaults().maxTopicLength(5).maxPayload(4).build();
    private final WireClient pub = WireClient.connect(broker, "pub", true);
    private final WireClient sub = WireClient.connect(broker, "sub", true);

    PlatformLimitsTest() {
        sub.send(Packets.subscribe(1, "#", 1));
        assertEquals("90 03 00 01 01", sub.read());
    }

    @Test
    void topicAtTheLimitIsDelivered() {
        pub.send("32 0B 00 05 61 2F 62 2F 63 00 07 68 69"); // "a/b/c"
        assertEquals("40 02 00 07", pub.read());
        assertEquals("32 0B 00 05 61 2F 62 2F 63 00 01 68 69", sub.read());
        assertEquals(0, broker.metrics().droppedPlatformRule.sum());
    }

    @Test
    void qos1TopicOverTheLimitIsAcknowledgedButNotDelivered() {
        pub.send("32 0C 00 06 61 2F 62 2F 63 64 00 07 68 69"); // "a/b/cd": 6 characters

        assertEquals("40 02 00 07", pub.read());
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable();
    }

    @Test
    void qos0TopicOverTheLimitIsDroppedAndCounted() {
        pub.send("30 0A 00 06 61 2F 62 2F 63 64 68 69");

        assertEquals("", pub.read());
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable();
    }

    @Test
    void topicLimitCountsCharactersNotBytes() {
        // "\u00e9/\u00e9/\u00e9": 5 characters, 8 bytes in UTF-8.
        String packet = Packets.publish("\u00e9/\u00e9/\u00e9", 1, 7, "hi");
        pub.send(packet);

        assertEquals("40 02 00 07", pub.read());
        assertEquals(Packets.publish("\u00e9/\u00e9/\u00e9", 1, 1, "hi"), sub.read());
    }

    @Test
    void payloadAtTheLimitIsDelivered() {
        pub.send("32 0B 00 03 61 2F 62 00 07 31 32 33 34"); // payload "1234"
        assertEquals("40 02 00 07", pub.read());
        assertEquals("32 0B 00 03 61 2F 62 00 01 31 32 33 34", sub.read());
    }

    @Test
    void qos1PayloadOverTheLimitIsAcknowledgedButNotDelivered() {
        pub.send("32 0C 00 03 61 2F 62 00 07 31 32 33 34 35"); // payload "12345"

        assertEquals("40 02 00 07", pub.read());
        assertEquals("", sub.read());
        assertEquals(1, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable();
    }

    @Test
    void qos0PayloadOverTheLimitIsDroppedAndCounted() {
        pub.send("30 0A 00 03 61 2F 62 31 32 33 34 35");
        pub.send("30 0A 00 03 61 2F 62 31 32 33 34 35");

        assertEquals("", sub.read());
        assertEquals(2, broker.metrics().droppedPlatformRule.sum());
        assertStillUsable();
    }

    @Test
    void emptyPayloadIsDelivered() {
        pub.send("30 05 00 03 61 2F 62");
        assertEquals("30 05 00 03 61 2F 62", sub.read());
    }

    /** The publisher's connection still works: a good message after the rejected one arrives. */
    private void assertStillUsable() {
        assertTrue(pub.isOpen());
        pub.send("32 09 00 03 61 2F 62 00 08 68 69");
        assertEquals("40 02 00 08", pub.read());
        assertEquals("32 09 00 03 61 2F 62 00 01 68 69", sub.read());
    }
}
