package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the hand-made MQTT 5 encoder and reader the other tests use to bytes written out from the specification. */
class Packets5Test {

    @Test
    void connectWithAndWithoutProperties() {
        assertEquals(Hex.normalise("10 0F 00 04 4D 51 54 54 05 02 00 3C 00 00 02 63 31"),
                Packets5.connect("c1", true, 60, Packets5.props()));
        // Session Expiry Interval 60: 11 00 00 00 3C.
        assertEquals(Hex.normalise("10 14 00 04 4D 51 54 54 05 00 00 3C 05 11 00 00 00 3C 00 02 63 31"),
                Packets5.connect("c1", false, 60, Packets5.props().fourByte(Packets5.SESSION_EXPIRY_INTERVAL, 60)));
    }

    @Test
    void connectWithWillHasWillPropertiesTopicAndPayloadAfterTheClientId() {
        // Flags 06: will, clean start. Will properties empty (00), will topic "w", will payload "by".
        assertEquals(Hex.normalise("10 17 00 04 4D 51 54 54 05 06 00 3C 00 00 02 63 31 00 00 01 77 00 02 62 79"),
                Packets5.connectWithWill("c1", true, 60, Packets5.props(), Packets5.props(), "w", "by"));
    }

    @Test
    void publishSubscribeUnsubscribePubackDisconnect() {
        assertEquals(Hex.normalise("32 11 00 03 61 2F 62 00 07 07 26 00 01 6B 00 01 76 68 69"),
                Packets5.publish("a/b", 1, 7, Packets5.props().user("k", "v"), "hi"));
        assertEquals(Hex.normalise("30 08 00 03 61 2F 62 00 68 69"),
                Packets5.publish("a/b", 0, 0, Packets5.props(), "hi"));
        assertEquals(Hex.normalise("82 09 00 01 00 00 03 61 2F 62 05"), Packets5.subscribe(1, "a/b", 0x05));
        assertEquals(Hex.normalise("82 0B 00 01 02 0B 01 00 03 61 2F 62 01"),
                Packets5.subscribe(1, Packets5.props().varInt(Packets5.SUBSCRIPTION_IDENTIFIER, 1), "a/b", 1));
        assertEquals(Hex.normalise("A2 08 00 02 00 00 03 61 2F 62"), Packets5.unsubscribe(2, "a/b"));
        assertEquals(Hex.normalise("40 04 00 07 83 00"), Packets5.puback(7, 0x83, Packets5.props()));
        assertEquals(Hex.normalise("E0 06 9B 04 1F 00 01 78"), Packets5.disconnect(0x9B, "x"));
    }

    @Test
    void propertyLengthIsAVariableByteInteger() {
        byte[] block = Packets5.props().binary(Packets5.CORRELATION_DATA, new byte[125]).block();
        assertEquals("80 01 09 00 7D", Hex.of(block).substring(0, 14)); // 128 bytes of properties: 80 01
        assertEquals(2 + 128, block.length);
    }

    @Test
    void readerDecodesTheConnackOfTheSpecificationExample() {
        Mqtt5Wire.ConnAck ack = Mqtt5Wire.connAck(
                "20 0E 01 00 0B 21 00 20 27 00 04 10 00 1F 00 00");
        assertEquals(true, ack.sessionPresent());
        assertEquals(0, ack.reasonCode());
        assertEquals(Map.of(0x21, 32L, 0x27, 266240L, 0x1F, ""), ack.properties().asMap());
    }

    @Test
    void readerDecodesPublishPropertiesInOrder() {
        String hex = Packets5.publish("a/b", 1, 7, Packets5.props()
                .byteProperty(Packets5.PAYLOAD_FORMAT_INDICATOR, 1)
                .user("k", "1")
                .binary(Packets5.CORRELATION_DATA, new byte[] {1, 2})
                .user("k", "2"), "hi");
        Mqtt5Wire.Publish p = Mqtt5Wire.publish(Mqtt5Wire.single(hex));
        assertEquals("a/b", p.topic());
        assertEquals(7, p.packetId());
        assertEquals(1, p.qos());
        assertEquals("hi", p.payloadText());
        assertEquals(List.of(0x01, 0x26, 0x09, 0x26), p.properties().ids());
        assertEquals("01 02", p.properties().binary(Packets5.CORRELATION_DATA));
        assertEquals(List.of(new Mqtt5Wire.UserProperty("k", "1"), new Mqtt5Wire.UserProperty("k", "2")),
                p.properties().users());
    }

    @Test
    void readerRejectsTrailingBytes() {
        assertThrows(AssertionError.class, () -> Mqtt5Wire.split("40 03 00 07"));
        assertThrows(AssertionError.class, () -> Mqtt5Wire.disconnect("E0 03 9B 00 00"));
    }
}
