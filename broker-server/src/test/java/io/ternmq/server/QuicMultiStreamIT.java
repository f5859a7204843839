package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import tools.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Multi-stream MQTT over QUIC (EMQX's mode): the first bidirectional stream is the control stream, every further
 * one a data stream whose subscriptions, deliveries and acknowledgements are its own; one session per connection.
 */
class QuicMultiStreamIT extends SharedQuicBrokerIT {

    private static QuicMqttClient connected(TestBroker to, String id, MqttVersion version) throws Exception {
        QuicMqttClient client = QuicMqttClient.connect(context, to.quicAddress(),
                QuicMqttClient.connectMessage(id, version));
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                client.connack.get().variableHeader().connectReturnCode());
        return client;
    }

    @Test
    void mqtt5SubscriptionsDeliveriesAndAcknowledgementsStayOnTheirStreams() throws Exception {
        assertStreamsKeepTheirOwn("ms5", MqttVersion.MQTT_5);
    }

    @Test
    void mqtt311SubscriptionsDeliveriesAndAcknowledgementsStayOnTheirStreams() throws Exception {
        assertStreamsKeepTheirOwn("ms311", MqttVersion.MQTT_3_1_1);
    }

    /**
     * SUBSCRIBE on streams 2 and 3: each SUBACK on its own stream, each topic's deliveries on the stream that
     * subscribed, nothing on the control stream; a PUBLISH's PUBACK on the stream it came on, with the two streams
     * using the same packet id at once (each stream has its own); one session in the API.
     */
    private static void assertStreamsKeepTheirOwn(String id, MqttVersion version) throws Exception {
        long dataStreamsBefore = broker.server.quic().stats().dataStreams();
        try (QuicMqttClient client = connected(broker, id, version);
             PahoClients.Client tcp = peer(id + "-peer")) {
            QuicMqttClient.StreamEnd a = client.openDataStream();
            QuicMqttClient.StreamEnd b = client.openDataStream();
            assertEquals(List.of(1), a.subscribe(id + "/a", 1));
            assertEquals(List.of(1), b.subscribe(id + "/b", 1));
            assertEquals(dataStreamsBefore + 2, broker.server.quic().stats().dataStreams());

            tcp.publish(id + "/a", "for-a", 1);
            tcp.publish(id + "/b", "for-b", 1);
            QuicMqttClient.Received onA = a.next(10_000);
            QuicMqttClient.Received onB = b.next(10_000);
            assertNotNull(onA, "the delivery for stream 2's subscription");
            assertNotNull(onB, "the delivery for stream 3's subscription");
            assertEquals(id + "/a", onA.topic());
            assertEquals("for-a", onA.text());
            assertEquals(1, onA.qos());
            assertEquals(id + "/b", onB.topic());
            assertEquals("for-b", onB.text());
            assertNull(a.next(300), "stream 2 gets only its own topic");
            assertNull(b.next(100), "stream 3 gets only its own topic");
            assertNull(client.next(100), "nothing on the control stream");

            // Both streams' next packet id is 2: each PUBLISH is acknowledged on its own stream.
            CompletableFuture<MqttMessage> ackOnA = a.publish(id + "/b", "from-a", 1);
            CompletableFuture<MqttMessage> ackOnB = b.publish(id + "/a", "from-b", 1);
            assertEquals(2, packetId(ackOnA.get(10, TimeUnit.SECONDS)));
            assertEquals(2, packetId(ackOnB.get(10, TimeUnit.SECONDS)));
            assertEquals("from-a", b.next(10_000).text());
            assertEquals("from-b", a.next(10_000).text());
            assertEquals(MqttMessageType.CONNACK, client.packets.take().fixedHeader().messageType());
            assertNull(client.packets.poll(100, TimeUnit.MILLISECONDS),
                    "no SUBACK, PUBACK or PUBLISH went on the control stream");

            JsonNode reached = broker.api().get("/api/v1/topics?match=" + id + "/a").json();
            assertEquals(1, reached.get("sessions").intValue(), "one client however many streams");
            assertEquals(id, reached.get("subscriptions").get(0).get("clientId").stringValue());
        }
    }

    /** A data stream the client resets takes its subscriptions along; the session and the other streams go on. */
    @Test
    void aResetDataStreamEndsOnlyItsOwnSubscriptions() throws Exception {
        try (QuicMqttClient client = connected(broker, "ms-reset", MqttVersion.MQTT_5);
             PahoClients.Client tcp = peer("ms-reset-peer")) {
            QuicMqttClient.StreamEnd a = client.openDataStream();
            QuicMqttClient.StreamEnd b = client.openDataStream();
            a.subscribe("ms-reset/a", 1);
            b.subscribe("ms-reset/b", 1);
            assertEquals(1, subscriptionsReached("ms-reset/a"));

            a.reset(0x10);
            awaitSubscriptions("ms-reset/a", 0);

            tcp.publish("ms-reset/b", "still-here", 1);
            assertEquals("still-here", b.next(10_000).text(), "the other data stream keeps working");
            assertEquals(List.of(1), client.subscribe("ms-reset/control", 1));
            client.publish("ms-reset/control", "control", 1).get(10, TimeUnit.SECONDS);
            assertEquals("control", client.next(10_000).text(), "the control stream keeps working");
            QuicMqttClient.StreamEnd again = client.openDataStream();
            again.subscribe("ms-reset/a", 1);
            tcp.publish("ms-reset/a", "new-stream", 1);
            assertEquals("new-stream", again.next(10_000).text(), "a new data stream takes its place");
            assertEquals(1, subscriptionsReached("ms-reset/a"));
            assertTrue(client.quic.get().isActive());
        }
        awaitSubscriptions("ms-reset/b", 0); // the connection's end takes every stream's subscriptions along
    }

    /**
     * A takeover ends the old connection's data streams with it: they no longer speak for the session, and the
     * new connection's stream (the same stream id) subscribes and receives as if they had never been.
     */
    @Test
    void aTakeoverEndsTheOldConnectionsDataStreams() throws Exception {
        try (QuicMqttClient before = connected(broker, "ms-takeover", MqttVersion.MQTT_5);
             PahoClients.Client tcp = peer("ms-takeover-peer")) {
            QuicMqttClient.StreamEnd oldStream = before.openDataStream();
            oldStream.subscribe("ms-takeover/t", 1);
            try (QuicMqttClient after = connected(broker, "ms-takeover", MqttVersion.MQTT_5)) {
                oldStream.closed.get(10, TimeUnit.SECONDS);
                before.closed.get(10, TimeUnit.SECONDS);
                QuicMqttClient.StreamEnd newStream = after.openDataStream();
                assertEquals(oldStream.channel.streamId(), newStream.channel.streamId());
                newStream.subscribe("ms-takeover/t", 1);
                awaitSubscriptions("ms-takeover/t", 1);
                tcp.publish("ms-takeover/t", "to-the-new-one", 1);
                assertEquals("to-the-new-one", newStream.next(10_000).text());
                assertNull(oldStream.next(300), "nothing for the old connection's stream");
            }
        }
    }

    /** CONNECT or DISCONNECT on a data stream is a protocol error for that stream alone. */
    @Test
    void aControlPacketOnADataStreamEndsThatStreamOnly() throws Exception {
        try (QuicMqttClient client = connected(broker, "ms-control", MqttVersion.MQTT_5)) {
            for (MqttMessage control : List.of(QuicMqttClient.connectMessage("ms-control", MqttVersion.MQTT_5),
                    MqttMessageBuilders.disconnect().build())) {
                QuicMqttClient.StreamEnd a = client.openDataStream();
                a.channel.writeAndFlush(control);
                MqttMessage disconnect = a.awaitPacket(MqttMessageType.DISCONNECT, 10_000);
                assertNotNull(disconnect, "the data stream is told why");
                assertEquals(0x82, Byte.toUnsignedInt(
                        ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).reasonCode()));
                a.closed.get(10, TimeUnit.SECONDS);
            }
            assertEquals(List.of(1), client.subscribe("ms-control/x", 1));
            client.publish("ms-control/x", "on", 1).get(10, TimeUnit.SECONDS);
            assertEquals("on", client.next(10_000).text());
            assertTrue(client.quic.get().isActive());
        }
    }

    /**
     * quic.max-streams bounds the streams of a connection, the control stream included: QUIC's stream limit
     * refuses one more at the client, and the connection goes on. At 1 that is the single-stream mode.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void streamsOverTheLimitAreRefused(int maxStreams) throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_QUIC_MAX_STREAMS", Integer.toString(maxStreams)));
             QuicMqttClient.Context ctx = new QuicMqttClient.Context(own.certificate());
             QuicMqttClient client = QuicMqttClient.connect(ctx, own.quicAddress(),
                     QuicMqttClient.connectMessage("ms-limit", MqttVersion.MQTT_5))) {
            List<QuicMqttClient.StreamEnd> data = new ArrayList<>();
            for (int i = 1; i < maxStreams; i++) {
                data.add(client.openDataStream());
            }
            Exception refused = assertThrows(Exception.class, client::openDataStream);
            assertTrue(String.valueOf(refused.getMessage()).contains("STREAM_LIMIT"), refused.toString());
            QuicMqttClient.StreamEnd last = data.isEmpty() ? client.control : data.get(data.size() - 1);
            assertEquals(List.of(1), last.subscribe("ms-limit/a", 1));
            client.publish("ms-limit/a", "within", 1).get(10, TimeUnit.SECONDS);
            assertEquals("within", last.next(10_000).text());
        }
    }

    /**
     * A stream opened while the control stream has sent no CONNECT is no data stream: it is reset (counted), and
     * the connection can still sign in on its control stream.
     */
    @Test
    void aStreamBeforeConnectIsRefused() throws Exception {
        long refusedBefore = broker.server.quic().stats().refusedStreams();
        QuicChannel quic = QuicChannel.newBootstrap(context.nextSocket())
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInboundHandlerAdapter())
                .remoteAddress(broker.quicAddress()).connect().get(10, TimeUnit.SECONDS);
        try {
            QuicStreamChannel control = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
            // The first byte of a CONNECT: the broker has its control stream, and no CONNECT yet.
            control.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x10})).sync();
            Thread.sleep(200);
            QuicStreamChannel early = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
            early.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0xc0, 0})).sync(); // PINGREQ
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (broker.server.quic().stats().refusedStreams() == refusedBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(refusedBefore + 1, broker.server.quic().stats().refusedStreams());
            assertTrue(quic.isActive(), "the connection stays");
        } finally {
            quic.close().sync();
        }
    }

    /**
     * The point of multi-stream: a stream the client does not read holds up no other. Stream 2 stops reading
     * while 300 QoS 1 messages are published to its topic (its in-flight window fills, the rest wait in its own
     * queue); a message for stream 3 published after them arrives at once. Once stream 2 reads again all 300
     * arrive, in order, once.
     */
    @Test
    void aStreamThatIsNotReadHoldsUpNoOther() throws Exception {
        int held = 300;
        try (QuicMqttClient client = connected(broker, "ms-hol", MqttVersion.MQTT_5);
             PahoClients.Client tcp = peer("ms-hol-peer")) {
            QuicMqttClient.StreamEnd stalled = client.openDataStream();
            QuicMqttClient.StreamEnd free = client.openDataStream();
            stalled.subscribe("ms-hol/stalled", 1);
            free.subscribe("ms-hol/free", 1);
            stalled.reading(false);
            stalled.ping(); // the read Netty had asked for already takes the PINGRESP: from now on nothing is read
            for (int i = 0; i < held; i++) {
                tcp.publish("ms-hol/stalled", "m" + i, 1); // Paho waits for each PUBACK: all routed by the end
            }
            tcp.publish("ms-hol/free", "not-blocked", 1);
            QuicMqttClient.Received free1 = free.next(10_000);
            assertNotNull(free1, "stream 3's message is not held up behind stream 2's");
            assertEquals("not-blocked", free1.text());
            assertTrue(stalled.inbox.isEmpty(), "stream 2 is still not read");

            stalled.reading(true);
            List<String> arrived = new ArrayList<>();
            for (QuicMqttClient.Received r; arrived.size() < held && (r = stalled.next(10_000)) != null; ) {
                arrived.add(r.text());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < held; i++) {
                expected.add("m" + i);
            }
            assertEquals(expected, arrived, "every held message, in order");
            assertNull(stalled.next(300), "none twice");
        }
    }

    /**
     * The keepalive is the connection's: a client that sends only on a data stream is alive, one that sends
     * nothing anywhere is closed after 1.5 times its keepalive.
     */
    @Test
    void trafficOnADataStreamKeepsTheConnectionAlive() throws Exception {
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_PLATFORM_KEEPALIVE_MIN", "1"));
             QuicMqttClient.Context ctx = new QuicMqttClient.Context(own.certificate());
             QuicMqttClient client = QuicMqttClient.connect(ctx, own.quicAddress(), MqttMessageBuilders.connect()
                     .clientId("ms-alive").protocolVersion(MqttVersion.MQTT_5).cleanSession(true).keepAlive(1)
                     .build())) {
            QuicMqttClient.StreamEnd data = client.openDataStream();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < until) {
                data.publish("ms-alive/beat", "beat", 1).get(10, TimeUnit.SECONDS);
                Thread.sleep(300);
            }
            assertFalse(client.closed.isDone(), "4 s of data-stream traffic under a 1 s keepalive: still connected");
            client.closed.get(10, TimeUnit.SECONDS); // silent everywhere: closed for its keepalive
        }
    }

    /** A Paho 3.1.1 client over TCP, the other end of a test's messages. */
    private static PahoClients.Client peer(String clientId) throws Exception {
        return PahoClients.connect(broker, clientId, MqttConnectOptions.MQTT_VERSION_3_1_1, true);
    }

    private static int packetId(MqttMessage puback) {
        return ((MqttPubReplyMessageVariableHeader) puback.variableHeader()).messageId();
    }

    private static int subscriptionsReached(String topic) throws Exception {
        return broker.api().get("/api/v1/topics?match=" + topic).json().get("subscriptions").size();
    }

    private static void awaitSubscriptions(String topic, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (subscriptionsReached(topic) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, subscriptionsReached(topic), "subscriptions reached by " + topic);
    }
}
