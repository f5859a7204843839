package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PLATFORM.md section 3 for MQTT 5.0 clients, through the HiveMQ MQTT client. */
class Mqtt5RulesIT extends SharedBrokerIT {


    @Test
    void connAckAdvertisesThePlatform() {
        Hive hive = Hive.of(broker, "connack-props");
        Mqtt5ConnAck ack = hive.client.connectWith().keepAlive(5).send();
        try {
            assertEquals(MqttQos.AT_LEAST_ONCE, ack.getRestrictions().getMaximumQos());
            assertEquals(false, ack.getRestrictions().isRetainAvailable());
            assertEquals(true, ack.getRestrictions().isWildcardSubscriptionAvailable());
            assertEquals(true, ack.getRestrictions().isSharedSubscriptionAvailable());
            assertEquals(false, ack.getRestrictions().areSubscriptionIdentifiersAvailable());
            assertEquals(16, ack.getRestrictions().getTopicAliasMaximum());
            assertEquals(32, ack.getRestrictions().getReceiveMaximum());
            assertEquals(260 * 1024, ack.getRestrictions().getMaximumPacketSize());
            assertEquals(Optional.of(30), ack.getServerKeepAlive().isPresent()
                    ? Optional.of(ack.getServerKeepAlive().getAsInt()) : Optional.empty(), "keepalive 5 clamped to 30");
        } finally {
            hive.disconnectQuietly();
        }
    }

    @Test
    void sessionExpiryIsCappedAndTheCapIsToldInConnAck() {
        Hive hive = Hive.of(broker, "expiry-cap");
        Mqtt5ConnAck ack = hive.client.connectWith().cleanStart(true).sessionExpiryInterval(0xFFFFFFFFL).send();
        try {
            assertEquals(604800L, ack.getSessionExpiryInterval().orElse(-1), "limits.max-session-expiry");
        } finally {
            hive.disconnectQuietly();
        }
    }

    @Test
    void subscriptionsBeyondTheSessionLimitAreRefused() throws Exception {
        try (TestBroker small = TestBroker.start(java.util.Map.of("TERNMQ_LIMITS_MAX_SUBSCRIPTIONS_PER_SESSION", "2"))) {
            Hive hive = Hive.of(small, "sub-limit");
            hive.client.connect();
            try {
                com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException e = assertThrows(
                        com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException.class, () -> hive.client
                        .subscribeWith()
                        .addSubscription().topicFilter("a").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .addSubscription().topicFilter("b").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .addSubscription().topicFilter("c").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                        .send());
                List<Integer> codes = e.getMqttMessage().getReasonCodes().stream().map(c -> c.getCode()).toList();
                assertEquals(List.of(1, 1, 0x97), codes, "the third is over the limit: Quota exceeded");
            } finally {
                hive.disconnectQuietly();
            }
            try (PahoClients.Client v3 = PahoClients.connect(small, "sub-limit-3",
                    org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true)) {
                int[] granted = v3.paho.subscribeWithResponse(new String[] {"a", "b", "c"}, new int[] {1, 1, 1})
                        .getGrantedQos();
                assertArrayEquals(new int[] {1, 1, 128}, granted);
            }
        }
    }

    @Test
    void emptyClientIdIsAssignedOne() {
        Hive hive = Hive.withoutId(broker);
        Mqtt5ConnAck ack = hive.client.connect();
        try {
            assertTrue(ack.getAssignedClientIdentifier().isPresent(), "Assigned Client Identifier");
            assertTrue(ack.getAssignedClientIdentifier().get().toString().startsWith("ternmq-"));
        } finally {
            hive.disconnectQuietly();
        }
    }

    @Test
    void willIsRefusedWith0x83AndAReasonString() {
        Hive hive = Hive.of(broker, "will5");
        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> hive.client.connectWith()
                .willPublish().topic("will/t").payload("bye".getBytes()).applyWillPublish().send());
        assertEquals(0x83, e.getMqttMessage().getReasonCode().getCode());
        assertEquals("will messages are not supported",
                e.getMqttMessage().getReasonString().map(Object::toString).orElse(""));
    }

    @Test
    void connectWithTooManyUserPropertiesIsRefused() {
        Hive hive = Hive.of(broker, "connect-props");
        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> hive.client.connectWith()
                .userProperties(userProperties(21, "k", "v")).send());
        assertEquals(0x83, e.getMqttMessage().getReasonCode().getCode());
    }

    @Test
    void userPropertyLimitsOnPublish() throws Exception {
        Hive sub = Hive.of(broker, "up-sub");
        Hive pub = Hive.of(broker, "up-pub");
        sub.client.connect();
        pub.client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.client.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.client.subscribeWith().topicFilter("up/#").qos(MqttQos.AT_LEAST_ONCE).send();

            // 20 properties pass, in order.
            Mqtt5UserProperties twenty = userProperties(20, "key", "value");
            pub.client.publishWith().topic("up/ok").qos(MqttQos.AT_LEAST_ONCE).payload("20".getBytes())
                    .userProperties(twenty).send();
            Mqtt5Publish got = inbox.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertEquals(twenty.asList(), got.getUserProperties().asList(), "all 20, in order");

            assertPubAck(pub, userProperties(21, "key", "value"), 0x83, "more than 20 user properties");
            assertPubAck(pub, Mqtt5UserProperties.builder().add("_sys", "v").build(), 0x83, "starts with '_'");
            assertPubAck(pub, Mqtt5UserProperties.builder().add("k", "v".repeat(128)).build(), 0x83,
                    "longer than 128");
            // Exactly 128 characters of key plus value is allowed.
            pub.client.publishWith().topic("up/edge").qos(MqttQos.AT_LEAST_ONCE).payload("edge".getBytes())
                    .userProperties(Mqtt5UserProperties.builder().add("k", "v".repeat(127)).build()).send();
            assertEquals("up/edge", inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString(),
                    "none of the rejected messages was delivered");
            assertTrue(pub.client.getState().isConnected(), "the connection stays up after rejected PUBLISHes");
        } finally {
            sub.disconnectQuietly();
            pub.disconnectQuietly();
        }
    }

    @Test
    void responseTopicAndCorrelationDataLimits() throws Exception {
        Hive sub = Hive.of(broker, "rt-sub");
        Hive pub = Hive.of(broker, "rt-pub");
        sub.client.connect();
        pub.client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.client.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.client.subscribeWith().topicFilter("rt/#").qos(MqttQos.AT_LEAST_ONCE).send();
            String topic128 = "r/" + "x".repeat(126);
            byte[] data128 = new byte[128];
            pub.client.publishWith().topic("rt/ok").qos(MqttQos.AT_LEAST_ONCE).responseTopic(topic128)
                    .correlationData(data128).payload("ok".getBytes()).send();
            Mqtt5Publish ok = inbox.receive(10, TimeUnit.SECONDS).orElseThrow();
            assertEquals(topic128, ok.getResponseTopic().orElseThrow().toString());
            assertArrayEquals(data128, bytes(ok.getCorrelationData().orElseThrow()));

            Mqtt5PubAckException longTopic = assertThrows(Mqtt5PubAckException.class, () -> pub.client.publishWith()
                    .topic("rt/no").qos(MqttQos.AT_LEAST_ONCE).responseTopic(topic128 + "x").send());
            assertEquals(0x83, longTopic.getMqttMessage().getReasonCode().getCode());
            Mqtt5PubAckException longData = assertThrows(Mqtt5PubAckException.class, () -> pub.client.publishWith()
                    .topic("rt/no").qos(MqttQos.AT_LEAST_ONCE).correlationData(new byte[129]).send());
            assertEquals(0x83, longData.getMqttMessage().getReasonCode().getCode());
            assertTrue(longData.getMqttMessage().getReasonString().orElseThrow().toString().contains("correlation"));
            pub.client.publishWith().topic("rt/after").qos(MqttQos.AT_LEAST_ONCE).send();
            assertEquals("rt/after", inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        } finally {
            sub.disconnectQuietly();
            pub.disconnectQuietly();
        }
    }

    @Test
    void oversizedPayloadGetsPubAck0x97() {
        Hive pub = Hive.of(broker, "big5");
        pub.client.connect();
        try {
            Mqtt5PubAckException e = assertThrows(Mqtt5PubAckException.class, () -> pub.client.publishWith()
                    .topic("big/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[256 * 1024 + 1]).send());
            assertEquals(0x97, e.getMqttMessage().getReasonCode().getCode(), "Quota exceeded: 0x95 is no PUBACK code");
            Mqtt5PublishResult fine = pub.client.publishWith().topic("big/t").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(new byte[16]).send();
            assertTrue(fine.getError().isEmpty());
        } finally {
            pub.disconnectQuietly();
        }
    }

    @Test
    void subscriptionIdentifierGetsDisconnect0xA1() throws Exception {
        // The HiveMQ client respects CONNACK's "Subscription Identifiers Available 0", so send the bytes ourselves:
        // SUBSCRIBE id 1, properties: Subscription Identifier 7, filter "a", options QoS 1.
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            assertEquals(0x00, raw.connect5("subid")[3]);
            raw.send(0x82, new byte[] {0x00, 0x01, 0x02, 0x0B, 0x07, 0x00, 0x01, 'a', 0x01});
            byte[] disconnect = raw.in().readNBytes(3);
            assertEquals((byte) 0xE0, disconnect[0], "DISCONNECT");
            assertEquals((byte) 0xA1, disconnect[2], "Subscription Identifiers not supported");
            assertTrue(raw.closedByBroker());
        }
    }

    @Test
    void qos2AndRetainAreDisconnectedWith0x9BAnd0x9A() throws Exception {
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            raw.connect5("qos2-5");
            // PUBLISH QoS 2, topic "q", packet id 1, no properties, payload "x"
            raw.send(0x34, new byte[] {0x00, 0x01, 'q', 0x00, 0x01, 0x00, 'x'});
            byte[] d = raw.in().readNBytes(3);
            assertEquals((byte) 0xE0, d[0]);
            assertEquals((byte) 0x9B, d[2], "QoS not supported");
        }
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            raw.connect5("retain-5");
            // PUBLISH QoS 0, RETAIN, topic "r", no properties, payload "x"
            raw.send(0x31, new byte[] {0x00, 0x01, 'r', 0x00, 'x'});
            byte[] d = raw.in().readNBytes(3);
            assertEquals((byte) 0xE0, d[0]);
            assertEquals((byte) 0x9A, d[2], "Retain not supported");
        }
    }

    /** 33 QoS 1 PUBLISHes to topic "rm" (packet ids 1 to 33, no properties, payload "x"), in one write. */
    private static byte[] thirtyThreePublishes() {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int id = 1; id <= 33; id++) {
            all.writeBytes(new byte[] {0x32, 0x08, 0x00, 0x02, 'r', 'm', 0x00, (byte) id, 0x00, 'x'});
        }
        return all.toByteArray();
    }

    @Test
    void overQuicMoreUnacknowledgedQos1ThanTheBrokersReceiveMaximumGetsDisconnect0x93() throws Exception {
        // A QUIC stream stays on its connection's event loop, which is its session owner's only when the kernel put
        // the client's UDP socket on that loop's socket (one in two here); otherwise it hands its packets to the
        // owner. Hold the owner, so none of the client's PUBLISHes is acknowledged while it sends them: off the
        // owner's loop the 33rd is then one over the broker's Receive Maximum of 32, whatever the machine's speed.
        // On it nothing is read while the owner is held (as over TCP, below); then a new client (another source
        // port, another client id) is tried.
        for (int attempt = 0; attempt < 12; attempt++) {
            if (quicClientOffItsOwnersLoopIsDisconnected0x93("rm-over-" + attempt)) {
                return;
            }
        }
        throw new AssertionError("12 QUIC clients in a row were on their session's event loop");
    }

    /** False when the client's stream turned out to be on its session owner's loop (nothing read while held). */
    private static boolean quicClientOffItsOwnersLoopIsDisconnected0x93(String clientId) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (QuicMqttClient.Context context = new QuicMqttClient.Context(broker.certificate());
             QuicMqttClient quic = QuicMqttClient.connect(context, broker.quicAddress(),
                     QuicMqttClient.connectMessage(clientId, MqttVersion.MQTT_5))) {
            assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, quic.connack.get().variableHeader().connectReturnCode());
            assertEquals(MqttMessageType.CONNACK, quic.packets.take().fixedHeader().messageType());
            broker.holdOwner(clientId, release);
            long received = broker.server.engine().metrics.publishesReceived();
            quic.writeRaw(thirtyThreePublishes());
            // Off the owner's loop the broker has read them once 32 are counted (the 33rd is refused before it is
            // counted); on it, none is read.
            for (int i = 0; i < 40 && broker.server.engine().metrics.publishesReceived() < received + 32; i++) {
                Thread.sleep(50);
            }
            if (broker.server.engine().metrics.publishesReceived() == received) {
                return false;
            }
            for (int i = 0; i < 160 && broker.server.engine().metrics.publishesReceived() < received + 32; i++) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // the 33rd follows in the same read
            // The DISCONNECT goes out through the owner, after what it owes: release it, then read to the end.
            release.countDown();
            io.netty.handler.codec.mqtt.MqttMessage p;
            int pubAcks = 0;
            while ((p = quic.packets.poll(10, TimeUnit.SECONDS)) != null
                    && p.fixedHeader().messageType() == MqttMessageType.PUBACK) {
                pubAcks++;
            }
            assertEquals(32, pubAcks, "the 32 within the Receive Maximum are acknowledged, the 33rd is not");
            assertNotNull(p, "no DISCONNECT");
            assertEquals(MqttMessageType.DISCONNECT, p.fixedHeader().messageType());
            assertEquals((byte) 0x93, ((io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader)
                    p.variableHeader()).reasonCode(), "Receive Maximum exceeded");
            return true;
        } finally {
            release.countDown();
        }
    }

    @Test
    void overTcpEachQos1PublishIsAcknowledgedWhereItIsRead() throws Exception {
        // A TCP connection moves to its session owner's event loop at CONNECT, so holding the owner holds the
        // reading too: nothing is read, so nothing is left unacknowledged, and the same 33 PUBLISHes as above are
        // all acknowledged once the owner runs again, within the Receive Maximum of 32 and without a DISCONNECT.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            raw.connect5("rm-tcp");
            broker.holdOwner("rm-tcp", release);
            long received = broker.server.engine().metrics.publishesReceived();
            raw.socket.getOutputStream().write(thirtyThreePublishes());
            raw.socket.getOutputStream().flush();
            Thread.sleep(500);
            assertEquals(received, broker.server.engine().metrics.publishesReceived(),
                    "read while the owner was held: the connection is not on its session's event loop");
            release.countDown();
            for (int id = 1; id <= 33; id++) {
                RawMqtt.Packet p = raw.read(10_000);
                assertNotNull(p, "PUBACK " + id + " missing");
                assertEquals(4, p.type(), "PUBACK expected, got type " + p.type());
                assertEquals(id, ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF), "PUBACKs in order");
            }
            assertNull(raw.read(500), "nothing after the 33 PUBACKs: no DISCONNECT");
        } finally {
            release.countDown();
        }
    }

    @Test
    void shutdownTellsMqtt5Clients0x8B() throws Exception {
        TestBroker own = TestBroker.start();
        Hive hive = Hive.of(own, "shutdown5");
        hive.client.connect();
        own.close();
        Throwable cause = hive.disconnects.poll(10, TimeUnit.SECONDS);
        Mqtt5DisconnectException d = assertInstanceOf(Mqtt5DisconnectException.class, cause);
        assertEquals(0x8B, d.getMqttMessage().getReasonCode().getCode(), "Server shutting down");
    }

    @Test
    void authenticationMethodGetsConnAck0x8C() throws Exception {
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            // CONNECT properties: Authentication Method (0x15) "SCRAM"
            byte[] connAck = raw.connect5("enhanced-auth", new byte[] {0x15, 0x00, 0x05, 'S', 'C', 'R', 'A', 'M'});
            assertEquals((byte) 0x8C, connAck[3], "Bad authentication method");
            assertTrue(raw.closedByBroker());
        }
    }

    @Test
    void subscriptionIdentifierInAClientPublishIsAProtocolError() throws Exception {
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            raw.connect5("pub-subid");
            // PUBLISH QoS 0, topic "s", properties: Subscription Identifier 3 (MQTT-3.3.4-6: server to client only)
            raw.send(0x30, new byte[] {0x00, 0x01, 's', 0x02, 0x0B, 0x03, 'x'});
            byte[] d = raw.in().readNBytes(3);
            assertEquals((byte) 0xE0, d[0]);
            assertEquals((byte) 0x82, d[2], "Protocol Error");
        }
    }

    @Test
    void invalidTopicAliasGetsDisconnect0x94() throws Exception {
        try (RawMqtt raw = new RawMqtt(broker.port)) {
            raw.connect5("alias-bad");
            // PUBLISH QoS 0, topic "t", properties: Topic Alias 17 (the broker allows 16)
            raw.send(0x30, new byte[] {0x00, 0x01, 't', 0x03, 0x23, 0x00, 0x11, 'x'});
            byte[] d = raw.in().readNBytes(3);
            assertEquals((byte) 0xE0, d[0]);
            assertEquals((byte) 0x94, d[2], "Topic Alias invalid");
        }
    }

    @Test
    void takeoverTellsTheOldConnection0x8E() throws Exception {
        Hive first = Hive.of(broker, "takeover5");
        first.client.connect();
        Hive second = Hive.of(broker, "takeover5");
        second.client.connect();
        try {
            Throwable cause = first.disconnects.poll(10, TimeUnit.SECONDS);
            assertNotNull(cause, "first connection not disconnected");
            Mqtt5DisconnectException d = assertInstanceOf(Mqtt5DisconnectException.class, cause);
            assertEquals(0x8E, d.getMqttMessage().getReasonCode().getCode());
        } finally {
            second.disconnectQuietly();
        }
    }

    private static void assertPubAck(Hive pub, Mqtt5UserProperties props, int code, String reasonPart) {
        Mqtt5PubAckException e = assertThrows(Mqtt5PubAckException.class, () -> pub.client.publishWith()
                .topic("up/rejected").qos(MqttQos.AT_LEAST_ONCE).userProperties(props).send());
        assertEquals(code, e.getMqttMessage().getReasonCode().getCode());
        String reason = e.getMqttMessage().getReasonString().map(Object::toString).orElse("");
        assertTrue(reason.contains(reasonPart), "reason string names the rule: " + reason);
    }

    static Mqtt5UserProperties userProperties(int count, String key, String value) {
        Mqtt5UserPropertiesBuilder b = Mqtt5UserProperties.builder();
        for (int i = 0; i < count; i++) {
            b.add(key + i, value + i);
        }
        return b.build();
    }

    static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }
}
