package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The structural rules of MQTT 3.1.1 and 5.0, one test per rule, named by the specification's statement (or
 * section where the rule has no number). Each sends the offending packet, followed in the same write by a
 * PINGREQ: the answer is exactly the close (5.0: DISCONNECT with the reason code the specification names) and
 * the PINGREQ behind the bad packet is never answered.
 */
class PacketStructureTest {

    private static final String PINGREQ = "C0 00";

    private final TestEngine broker = TestEngine.start();

    @Nested
    class Mqtt5 {

        /** Sends hex after a valid 5.0 CONNECT; asserts DISCONNECT with this reason code, then the close. */
        private void assertDisconnected(String hex, int reasonCode) {
            WireClient client = Mqtt5Wire.connect(broker, "bad");
            client.send(hex + " " + PINGREQ);

            String out = client.read();
            assertEquals(reasonCode, Mqtt5Wire.disconnect(out).reasonCode(), out);
            assertFalse(client.isOpen());
            assertNull(broker.registry().get("bad"));
        }

        /** Sends a CONNECT; asserts CONNACK with this reason code, then the close, and no session. */
        private void assertConnectRefused(String connect, int reasonCode) {
            WireClient client = WireClient.open(broker);
            client.send(connect + " " + PINGREQ);

            String out = client.read();
            assertEquals(reasonCode, Mqtt5Wire.connAck(out).reasonCode(), out);
            assertFalse(client.isOpen());
            assertEquals(0, broker.registry().size());
        }

        @Test
        void mqtt5_2_2_2_2_aPropertyNotAllowedInItsPacketIsMalformed() {
            // Session Expiry Interval belongs to CONNECT, CONNACK and DISCONNECT, not PUBLISH.
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().fourByte(0x11, 60), "x"), 0x81);
        }

        @Test
        void mqtt5_2_2_2_2_aWillPropertyInAPublishIsMalformed() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().fourByte(0x18, 5), "x"), 0x81);
        }

        @Test
        void mqtt5_2_2_2_2_anUnknownPropertyIdentifierIsMalformed() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().raw("7F 00"), "x"), 0x81);
        }

        @Test
        void mqtt5_3_1_2_11_2_sessionExpiryTwiceInConnectIsAProtocolError() {
            assertConnectRefused(Packets5.connect("c1", true, 60, props().fourByte(0x11, 10).fourByte(0x11, 20)),
                    0x82);
        }

        @Test
        void mqtt5_3_3_2_3_messageExpiryTwiceInPublishIsAProtocolError() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().fourByte(0x02, 10).fourByte(0x02, 20), "x"),
                    0x82);
        }

        @Test
        void mqtt5_3_3_2_3_payloadFormatIndicatorTwiceInPublishIsAProtocolError() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().byteProperty(0x01, 1).byteProperty(0x01, 0),
                    "x"), 0x82);
        }

        @Test
        void mqtt5_3_3_2_3_topicAliasTwiceInPublishIsAProtocolError() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().twoByte(0x23, 1).twoByte(0x23, 2), "x"),
                    0x82);
        }

        @Test
        void mqtt5_3_4_2_2_reasonStringTwiceInPubackIsAProtocolError() {
            assertDisconnected(Packets5.puback(1, 0x00, props().string(0x1F, "a").string(0x1F, "b")), 0x82);
        }

        @Test
        void mqtt5_3_4_2_1_aPubackReasonCodeThatDoesNotExistIsMalformed() {
            assertDisconnected("40 03 00 01 05", 0x81);
        }

        @Test
        void mqtt5_2_2_2_aPropertyThatRunsPastItsBlockIsMalformedAndNotDelivered() {
            WireClient subscriber = Mqtt5Wire.connect(broker, "sub");
            Mqtt5Wire.subscribe(subscriber, 1, "t", 0);
            // Property Length 15, but the properties take 20 bytes: the Content Type runs 5 bytes past the block.
            String properties = "01 01 02 00 00 00 3C 03 00 0A 74 65 78 74 2F 70 6C 61 69 6E";
            String publish = Packets.packet(0x30, Hex.bytes("00 01 74 0F " + properties + " 68 69"));

            assertDisconnected(publish, 0x81);
            assertEquals("", subscriber.read(), "nothing read from the wrong bytes is delivered");
        }

        @Test
        void mqtt5_3_1_2_11_6_requestProblemInformationOf2IsAProtocolError() {
            assertConnectRefused(Packets5.connect("c1", true, 60, props().byteProperty(0x17, 2)), 0x82);
        }

        @Test
        void mqtt5_3_1_2_11_10_authenticationDataWithoutAMethodIsAProtocolError() {
            assertConnectRefused(Packets5.connect("c1", true, 60, props().binary(0x16, new byte[] {1, 2})), 0x82);
        }

        @Test
        void mqtt5_3_1_2_3_theReservedConnectFlagIsMalformed() {
            String connect = Packets5.connect("c1", true, 60, props());
            // The connect flags byte follows 00 04 'MQTT' 05: set bit 0.
            byte[] bytes = Hex.bytes(connect);
            bytes[9] |= 0x01;
            assertConnectRefused(Hex.of(bytes), 0x81);
        }

        @Test
        void mqtt5_3_1_2_12_willQos3IsMalformed() {
            byte[] bytes = Hex.bytes(Packets5.connectWithWill("c1", true, 60, props(), props(), "w", "x"));
            bytes[9] |= 0x18; // Will QoS 3
            assertConnectRefused(Hex.of(bytes), 0x81);
        }

        @Test
        void mqtt5_3_8_3_5_reservedSubscriptionOptionBitsAreMalformed() {
            assertDisconnected(Packets5.subscribe(1, "a/b", 0xC1), 0x81);
        }

        @Test
        void mqtt5_3_8_3_1_retainHandling3IsAProtocolError() {
            assertDisconnected(Packets5.subscribe(1, "a/b", 0x31), 0x82);
        }

        @Test
        void mqtt5_3_8_3_1_maximumQos3IsAProtocolError() {
            assertDisconnected(Packets5.subscribe(1, "a/b", 0x03), 0x82);
        }

        @Test
        void mqtt5_3_8_2_1_2_subscriptionIdentifier0IsAProtocolError() {
            assertDisconnected(Packets5.subscribe(1, props().varInt(0x0B, 0), "a/b", 1), 0x82);
        }

        @Test
        void mqtt5_2_2_1_3_aQos1PublishWithPacketIdentifier0IsAProtocolError() {
            assertDisconnected(Packets5.publish("a/b", 1, 0, props(), "x"), 0x82);
        }

        @Test
        void mqtt5_3_3_1_2_dupOnAQos0PublishIsMalformed() {
            assertDisconnected(Packets5.publish(0x38, "a/b", 0, props(), new byte[] {1}), 0x81);
        }

        @Test
        void mqtt5_3_3_1_4_publishQos3IsMalformed() {
            assertDisconnected(Packets5.publish(0x36, "a/b", 1, props(), new byte[] {1}), 0x81);
        }

        @Test
        void mqtt5_3_3_2_2_aWildcardInATopicNameIsTopicNameInvalid() {
            assertDisconnected(Packets5.publish("a/+", 0, 0, props(), "x"), 0x90);
            assertDisconnected(Packets5.publish("a/#", 0, 0, props(), "x"), 0x90);
        }

        @Test
        void mqtt5_1_5_4_1_anEncodedSurrogateInATopicIsMalformed() {
            assertDisconnected(Packets.packet(0x30, Hex.bytes("00 03 ED A0 80 00 78")), 0x81);
        }

        @Test
        void mqtt5_1_5_4_1_anOverlongEncodingInATopicIsMalformed() {
            assertDisconnected(Packets.packet(0x30, Hex.bytes("00 02 C0 AF 00 78")), 0x81); // an overlong '/'
        }

        @Test
        void mqtt5_1_5_4_2_u0000InATopicIsMalformed() {
            assertDisconnected(Packets.packet(0x30, Hex.bytes("00 03 61 00 62 00 78")), 0x81);
        }

        @Test
        void mqtt5_1_5_4_1_badUtf8InAUserPropertyIsMalformed() {
            assertDisconnected(Packets5.publish("a/b", 0, 0, props().raw("26 00 01 FF 00 01 61"), "x"), 0x81);
        }

        @Test
        void mqtt5_1_5_5_1_aRemainingLengthNotInItsShortestFormIsMalformed() {
            assertDisconnected("C0 80 00", 0x81);
        }

        @Test
        void mqtt5_2_1_3_1_reservedFlagsOfPingreqAreMalformed() {
            assertDisconnected("C2 00", 0x81);
        }

        @Test
        void mqtt5_3_12_pingreqWithABodyIsMalformed() {
            assertDisconnected("C0 01 00", 0x81);
        }

        @Test
        void mqtt5_3_14_2_1_aDisconnectReasonCodeThatDoesNotExistIsMalformed() {
            assertDisconnected("E0 01 03", 0x81);
        }

        @Test
        void mqtt5_3_14_2_bytesAfterTheDisconnectPropertiesAreMalformed() {
            assertDisconnected("E0 03 00 00 00", 0x81);
        }

        @Test
        void mqtt5_4_12_0_7_anAuthWithoutAnAuthenticationMethodIsAProtocolError() {
            assertDisconnected("F0 00", 0x82);
        }

        @Test
        void mqtt5_3_2_2_15_aPacketOverTheMaximumIsRefusedFromItsHeaderWithoutItsBody() {
            // 300 KiB declared, none of it sent: refused at once.
            assertDisconnected("30 80 C0 12", 0x95);
        }

        @Test
        void connackAndSubackFromAClientAreProtocolErrors() {
            assertDisconnected("20 00", 0x82);
            assertDisconnected("90 00", 0x82);
        }
    }

    @Nested
    class Mqtt311 {

        /** Sends hex after a valid 3.1.1 CONNECT; asserts the close with nothing written. */
        private void assertClosedSilently(String hex) {
            WireClient client = WireClient.connect(broker, "bad", true);
            client.send(hex + " " + PINGREQ);

            assertEquals("", client.read());
            assertFalse(client.isOpen());
            assertNull(broker.registry().get("bad"));
        }

        /** Sends a CONNECT; asserts the close without a CONNACK and no session. */
        private void assertConnectClosed(String connect) {
            WireClient client = WireClient.open(broker);
            client.send(connect + " " + PINGREQ);

            assertEquals("", client.read());
            assertFalse(client.isOpen());
            assertEquals(0, broker.registry().size());
        }

        @Test
        void mqtt_3_1_2_22_aPasswordWithoutAUserNameIsMalformed() {
            // Flags 0x42: password and clean session, no user name; then a password of 2 bytes.
            assertConnectClosed("10 12 00 04 4D 51 54 54 04 42 00 3C 00 02 63 31 00 02 70 77");
        }

        @Test
        void mqtt_3_1_2_3_theReservedConnectFlagIsMalformed() {
            assertConnectClosed("10 0E 00 04 4D 51 54 54 04 03 00 3C 00 02 63 31");
        }

        @Test
        void mqtt_3_1_2_13_willQosWithoutTheWillFlagIsMalformed() {
            assertConnectClosed("10 0E 00 04 4D 51 54 54 04 0A 00 3C 00 02 63 31");
        }

        @Test
        void mqtt_3_1_2_15_willRetainWithoutTheWillFlagIsMalformed() {
            assertConnectClosed("10 0E 00 04 4D 51 54 54 04 22 00 3C 00 02 63 31");
        }

        @Test
        void mqtt_1_5_3_1_badUtf8InTheClientIdIsMalformed() {
            assertConnectClosed("10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 C3 28");
        }

        @Test
        void bytesAfterTheConnectPayloadAreMalformed() {
            assertConnectClosed("10 0F 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31 00");
        }

        @ParameterizedTest(name = "options {0}")
        @ValueSource(strings = {"05", "99", "03"})
        void mqtt_3_8_3_4_reservedBitsOrQos3InRequestedQosAreMalformed(String options) {
            assertClosedSilently("82 08 00 01 00 03 61 2F 62 " + options);
        }

        @Test
        void mqtt_2_3_1_1_aSubscribeWithPacketIdentifier0IsMalformed() {
            assertClosedSilently("82 08 00 00 00 03 61 2F 62 01");
        }

        @Test
        void mqtt_3_14_1_aDisconnectWithABodyIsMalformed() {
            assertClosedSilently("E0 02 BA 1E");
        }

        @Test
        void mqtt_3_12_aPingreqWithABodyIsMalformed() {
            assertClosedSilently("C0 01 00");
        }

        @Test
        void mqtt_3_4_aPubackLongerThanItsPacketIdentifierIsMalformed() {
            assertClosedSilently("40 03 00 01 00");
        }

        @ParameterizedTest(name = "first byte {0}")
        @ValueSource(strings = {"00 00", "F0 00"})
        void mqtt_2_2_1_reservedPacketTypesAreMalformed(String packet) {
            assertClosedSilently(packet);
        }

        @Test
        void mqtt_3_3_1_2_dupOnAQos0PublishIsMalformed() {
            assertClosedSilently("38 06 00 03 61 2F 62 78");
        }

        @Test
        void mqtt_3_3_2_2_aWildcardInATopicNameCloses() {
            assertClosedSilently("30 07 00 03 61 2F 23 68 69");
        }
    }

    @Test
    void aMalformedPacketInTheMiddleOfAReadStopsEverythingAfterIt() {
        WireClient subscriber = WireClient.connect(broker, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 0));
        subscriber.read();
        WireClient client = WireClient.connect(broker, "bad", true);

        // A valid PUBLISH, a malformed one, then a valid one and a PINGREQ in the same read.
        client.send(Packets.publish("a/b", 0, 0, "one") + " 30 02 00 06 " + Packets.publish("a/b", 0, 0, "two")
                + " " + PINGREQ);

        assertEquals(Packets.publish("a/b", 0, 0, "one"), subscriber.read(), "only what came before the bad packet");
        assertEquals("", client.read());
        assertFalse(client.isOpen());
        assertTrue(broker.metrics().protocolViolations.sum() >= 1);
    }
}
