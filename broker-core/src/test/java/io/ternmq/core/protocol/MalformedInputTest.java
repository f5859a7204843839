package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the broker does with bytes a correct client never sends: it closes that connection, writes nothing
 * more to it, and every other connection carries on.
 */
class MalformedInputTest {

    private final TestEngine broker = TestEngine.start();

    /** A connected client "bad" that then sends hex; asserts it was closed with nothing written back. */
    private void assertClosedSilentlyAfterConnect(String hex) {
        WireClient client = WireClient.connect(broker, "bad", true);
        long violations = broker.metrics().protocolViolations.sum();

        client.send(hex);

        assertEquals("", client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("bad"), "the clean session ends with the connection");
        assertEquals(violations + 1, broker.metrics().protocolViolations.sum());
    }

    @Test
    void firstPacketThatIsNotConnectClosesWithNothingWritten() {
        WireClient client = WireClient.open(broker);
        client.send("C0 00"); // PINGREQ before CONNECT

        assertEquals("", client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.registry().size());
    }

    @Test
    void publishBeforeConnectIsNotRouted() {
        WireClient subscriber = WireClient.connect(broker, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 1));
        subscriber.read();

        WireClient client = WireClient.open(broker);
        client.send("30 07 00 03 61 2F 62 68 69");

        assertFalse(client.isOpen());
        assertEquals("", subscriber.read());
    }

    @Test
    void secondConnectCloses() {
        assertClosedSilentlyAfterConnect(Packets.connect("bad", true, 60));
    }

    @Test
    void pingreqWithAReservedFlagBitCloses() {
        assertClosedSilentlyAfterConnect("C1 00");
    }

    @Test
    void subscribeWithFlags0Instead2Closes() {
        assertClosedSilentlyAfterConnect("80 08 00 01 00 03 61 2F 62 01");
    }

    @Test
    void unsubscribeWithFlags0Instead2Closes() {
        assertClosedSilentlyAfterConnect("A0 07 00 01 00 03 61 2F 62");
    }

    @Test
    void remainingLengthOfFiveBytesCloses() {
        assertClosedSilentlyAfterConnect("C0 FF FF FF FF 7F");
    }

    @Test
    void remainingLengthOfFiveBytesBeforeConnectCloses() {
        WireClient client = WireClient.open(broker);
        client.send("10 FF FF FF FF 7F");

        assertEquals("", client.read());
        assertFalse(client.isOpen());
    }

    @Test
    void connectWithTheReservedFlagBitCloses() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 03 00 3C 00 02 63 31"); // MQTT-3.1.2-3: bit 0 must be 0

        assertEquals("", client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.registry().size());
    }

    @Test
    void publishWithAnEmptyTopicCloses() {
        assertClosedSilentlyAfterConnect("30 02 00 00");
    }

    @Test
    void publishWithAWildcardInTheTopicCloses() {
        assertClosedSilentlyAfterConnect("30 07 00 03 61 2F 2B 68 69"); // topic "a/+"
    }

    @Test
    void publishQos2Closes() {
        assertClosedSilentlyAfterConnect("34 09 00 03 61 2F 62 00 01 68 69");
    }

    @Test
    void publishWithQos3Closes() {
        assertClosedSilentlyAfterConnect("36 09 00 03 61 2F 62 00 01 68 69");
    }

    @Test
    void publishWithRetainClosesByDefault() {
        assertClosedSilentlyAfterConnect("31 07 00 03 61 2F 62 68 69");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "50 02 00 01", // PUBREC
        "62 02 00 01", // PUBREL
        "70 02 00 01", // PUBCOMP
        "20 02 00 00", // CONNACK
        "90 03 00 01 01", // SUBACK
        "D0 00", // PINGRESP
    })
    void packetsOnlyABrokerSendsClose(String hex) {
        assertClosedSilentlyAfterConnect(hex);
    }

    @Test
    void subscribeWithoutAFilterCloses() {
        assertClosedSilentlyAfterConnect("82 02 00 01"); // MQTT-3.8.3-3
    }

    @Test
    void unsubscribeWithoutAFilterCloses() {
        assertClosedSilentlyAfterConnect("A2 02 00 01"); // MQTT-3.10.3-2
    }

    @Test
    void packetOverMaxPacketSizeCloses() {
        TestEngine small = TestEngine.defaults().maxPacketSize(64).maxPayload(64).build();
        WireClient subscriber = WireClient.connect(small, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 1));
        subscriber.read();
        WireClient client = WireClient.connect(small, "big", true);

        // 2 bytes of fixed header + 5 of topic + 58 of payload = 65 bytes.
        client.send(Packets.publish(0x30, "a/b", 0, new byte[58]));

        assertEquals("", client.read());
        assertFalse(client.isOpen());
        assertEquals("", subscriber.read());
    }

    @Test
    void packetOfExactlyMaxPacketSizeIsAccepted() {
        TestEngine small = TestEngine.defaults().maxPacketSize(64).maxPayload(64).build();
        WireClient subscriber = WireClient.connect(small, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 1));
        subscriber.read();
        WireClient client = WireClient.connect(small, "big", true);

        String packet = Packets.publish(0x30, "a/b", 0, new byte[57]); // 64 bytes in all
        assertEquals(64, Hex.bytes(packet).length);
        client.send(packet);

        assertTrue(client.isOpen());
        assertEquals(packet, subscriber.read());
    }

    @Test
    void bytesAfterAViolationInTheSameReadAreNotProcessed() {
        WireClient subscriber = WireClient.connect(broker, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 1));
        subscriber.read();
        WireClient client = WireClient.connect(broker, "bad", true);

        // A PUBREL, then a valid PUBLISH in the same TCP segment: the PUBLISH must not be delivered.
        client.send("62 02 00 01 30 07 00 03 61 2F 62 68 69");

        assertFalse(client.isOpen());
        assertEquals("", subscriber.read());
    }

    @Test
    void garbageOnOneConnectionLeavesTheOthersWorking() {
        WireClient a = WireClient.connect(broker, "a", true);
        WireClient b = WireClient.connect(broker, "b", true);
        WireClient c = WireClient.connect(broker, "c", true);
        c.send(Packets.subscribe(1, "x/#", 1));
        assertEquals("90 03 00 01 01", c.read());

        a.send("FF FF FF FF FF FF 00 13 37");
        assertFalse(a.isOpen());

        b.send("C0 00");
        assertEquals("D0 00", b.read());
        b.send("32 09 00 03 78 2F 79 00 05 68 69"); // QoS 1 to x/y, packet id 5
        assertEquals("40 02 00 05", b.read());
        assertEquals("32 09 00 03 78 2F 79 00 01 68 69", c.read());
        assertTrue(b.isOpen());
        assertTrue(c.isOpen());
    }
}
