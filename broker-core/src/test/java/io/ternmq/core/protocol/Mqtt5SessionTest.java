package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.protocol.Mqtt5Wire.ConnAck;
import io.ternmq.core.protocol.Mqtt5Wire.Packet;
import io.ternmq.core.protocol.Mqtt5Wire.Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 sessions and the end of a connection: Session Expiry Interval on CONNECT and DISCONNECT, queued QoS 1
 * messages and Message Expiry while offline, takeover, keepalive and shutdown, each with the DISCONNECT reason
 * code the client sees.
 */
class Mqtt5SessionTest {

    private final TestEngine broker = TestEngine.start();

    private static Packets5.Props expiry(long seconds) {
        return props().fourByte(Packets5.SESSION_EXPIRY_INTERVAL, seconds);
    }

    /** Connects "dev" with clean start 0 and Session Expiry 60, subscribed to "a/b" at QoS 1. */
    private WireClient persistentSubscriber() {
        WireClient dev = Mqtt5Wire.connect(broker, "dev", false, expiry(60));
        Mqtt5Wire.subscribe(dev, 1, "a/b", 0x01);
        return dev;
    }

    /** Opens a connection with this CONNECT and returns everything the broker answered, split into packets. */
    private List<Packet> reconnect(WireClient client, String clientId, boolean cleanStart, Packets5.Props props) {
        client.send(Packets5.connect(clientId, cleanStart, 60, props));
        return Mqtt5Wire.split(client.read());
    }

    // ---- DISCONNECT from the client ----

    @Test
    void sessionExpirySetOnDisconnectAfter0OnConnectGetsDisconnect0x82() {
        WireClient client = Mqtt5Wire.connect(broker, "c1"); // no Session Expiry Interval: 0

        client.send(Packets5.disconnect(0x00, expiry(60)));

        assertEquals(Packets5.disconnect(0x82, "Session Expiry Interval set on DISCONNECT after 0 on CONNECT"),
                client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"), "the session still ends with the connection");
    }

    @Test
    void sessionExpiry0OnDisconnectEndsASessionThatWasToOutliveTheConnection() {
        WireClient dev = persistentSubscriber();

        dev.send(Packets5.disconnect(0x00, expiry(0)));

        assertEquals("", dev.read());
        assertFalse(dev.isOpen());
        assertNull(broker.registry().get("dev"));
        assertEquals(0, broker.subscriptionCount());
        List<Packet> answer = reconnect(WireClient.open(broker), "dev", false, expiry(60));
        assertFalse(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
    }

    @Test
    void plainDisconnectKeepsASessionWithExpiry() {
        WireClient dev = persistentSubscriber();

        dev.send("E0 00");

        assertFalse(dev.isOpen());
        assertNotNull(broker.registry().get("dev"));
        List<Packet> answer = reconnect(WireClient.open(broker), "dev", false, expiry(60));
        assertTrue(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
        assertEquals(1, broker.subscriptionCount());
    }

    @Test
    void disconnectCanShortenTheSessionExpiry() {
        WireClient dev = persistentSubscriber();

        dev.send(Packets5.disconnect(0x00, expiry(5)));

        assertFalse(dev.isOpen());
        assertEquals(5, broker.registry().get("dev").expiryIntervalSeconds());
    }

    @Test
    void packetsAfterDisconnectAreIgnored() {
        WireClient dev = persistentSubscriber();
        WireClient other = Mqtt5Wire.connect(broker, "other");
        Mqtt5Wire.subscribe(other, 1, "a/b", 0x01);

        dev.send("E0 00 " + Packets5.publish("a/b", 0, 0, props(), "late"));

        assertEquals("", other.read());
    }

    // ---- Session Expiry Interval ----

    @Test
    void sessionWithExpiry0EndsWhenTheConnectionCloses() {
        WireClient dev = Mqtt5Wire.connect(broker, "dev", false, props());
        Mqtt5Wire.subscribe(dev, 1, "a/b", 0x01);

        dev.drop();

        assertNull(broker.registry().get("dev"));
        assertEquals(0, broker.subscriptionCount());
        List<Packet> answer = reconnect(WireClient.open(broker), "dev", false, expiry(60));
        assertFalse(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
    }

    @Test
    void sessionWithExpiryKeepsQueuedQos1MessagesUntilTheClientIsBack() {
        persistentSubscriber().drop();
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        pub.send(Packets5.publish("a/b", 1, 11, props().user("n", "1"), "m1"));
        pub.send(Packets5.publish("a/b", 0, 0, props(), "qos0 is not kept offline"));
        pub.send(Packets5.publish("a/b", 1, 12, props().user("n", "2"), "m2"));
        assertEquals(Packets5.puback(11) + " " + Packets5.puback(12), pub.read());
        assertEquals(2, broker.registry().get("dev").queued());

        WireClient back = WireClient.open(broker);
        back.send(Packets5.connect("dev", false, 60, expiry(60)));

        List<Packet> answer = Mqtt5Wire.split(back.read());
        assertEquals(3, answer.size(), "CONNACK and two PUBLISH");
        ConnAck ack = Mqtt5Wire.connAck(answer.get(0));
        assertEquals(0x00, ack.reasonCode());
        assertTrue(ack.sessionPresent());
        assertEquals(Packets5.publish("a/b", 1, 1, props().user("n", "1"), "m1"), answer.get(1).wire());
        assertEquals(Packets5.publish("a/b", 1, 2, props().user("n", "2"), "m2"), answer.get(2).wire());
        assertEquals(0, broker.registry().get("dev").queued());
    }

    @Test
    void unacknowledgedDeliveryIsResentWithDupAndItsPropertiesOnReconnect() {
        WireClient dev = persistentSubscriber();
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        pub.send(Packets5.publish("a/b", 1, 11, props().user("k", "v"), "m1"));
        assertEquals(Packets5.publish("a/b", 1, 1, props().user("k", "v"), "m1"), dev.read());

        dev.drop();
        WireClient back = WireClient.open(broker);
        back.send(Packets5.connect("dev", false, 60, expiry(60)));

        List<Packet> answer = Mqtt5Wire.split(back.read());
        assertTrue(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
        assertEquals(Packets5.publish(0x3A, "a/b", 1, props().user("k", "v"), "m1".getBytes(StandardCharsets.UTF_8)),
                answer.get(1).wire(), "DUP=1, the same packet id");
    }

    @Test
    void resentDeliveriesRespectTheReceiveMaximumOfTheNewConnection() {
        WireClient dev = persistentSubscriber(); // no Receive Maximum: 65535
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        for (int id = 1; id <= 3; id++) {
            pub.send(Packets5.publish("a/b", 1, id, props(), "m" + id));
        }
        assertEquals(3, Mqtt5Wire.publishes(dev.read()).size());
        dev.drop(); // none of the three acknowledged

        WireClient back = WireClient.open(broker);
        back.send(Packets5.connect("dev", false, 60, expiry(60).twoByte(Packets5.RECEIVE_MAXIMUM, 2)));

        // MQTT-3.3.4-9 / MQTT-4.9.0-2: at most Receive Maximum unacknowledged QoS 1 PUBLISH, resends included.
        List<Packet> answer = Mqtt5Wire.split(back.read());
        assertTrue(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
        assertEquals(List.of(
                        Packets5.publish(0x3A, "a/b", 1, props(), "m1".getBytes(StandardCharsets.UTF_8)),
                        Packets5.publish(0x3A, "a/b", 2, props(), "m2".getBytes(StandardCharsets.UTF_8))),
                answer.subList(1, answer.size()).stream().map(Packet::wire).toList(),
                "only two of the three unacknowledged deliveries may be resent to Receive Maximum 2");
        back.send(Packets5.puback(1));
        assertEquals(Packets5.publish(0x3A, "a/b", 3, props(), "m3".getBytes(StandardCharsets.UTF_8)), back.read());
    }

    @Test
    void cleanStartDiscardsAKeptSession() {
        persistentSubscriber().drop();

        List<Packet> answer = reconnect(WireClient.open(broker), "dev", true, expiry(60));

        assertFalse(Mqtt5Wire.connAck(answer.get(0)).sessionPresent());
        assertEquals(0, broker.subscriptionCount());
    }

    // ---- Message Expiry Interval while queued ----

    @Test
    void expiredQueuedMessageIsDroppedAndCounted() {
        persistentSubscriber().drop();
        // Built directly so the test needs no clock: one message already past its expiry, one that never expires.
        broker.router().route(new PublishMessage("a/b", 1, "old".getBytes(StandardCharsets.UTF_8), "pub",
                MessageProperties.NONE, System.nanoTime() - TimeUnit.SECONDS.toNanos(1)));
        broker.router().route(new PublishMessage("a/b", 1, "new".getBytes(StandardCharsets.UTF_8), "pub"));
        assertEquals(2, broker.registry().get("dev").queued());

        WireClient back = WireClient.open(broker);
        back.send(Packets5.connect("dev", false, 60, expiry(60)));

        List<Packet> answer = Mqtt5Wire.split(back.read());
        assertEquals(2, answer.size(), "CONNACK and the live message only");
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "new"),
                answer.get(1).wire());
        assertEquals(1, broker.metrics().droppedExpired.sum());
    }

    @Test
    void messageThatExpiresWhileQueuedIsNotDelivered() throws InterruptedException {
        persistentSubscriber().drop();
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        pub.send(Packets5.publish("a/b", 1, 11, props().fourByte(Packets5.MESSAGE_EXPIRY_INTERVAL, 1), "short"));
        pub.send(Packets5.publish("a/b", 1, 12, props().fourByte(Packets5.MESSAGE_EXPIRY_INTERVAL, 3600), "long"));
        assertEquals(Packets5.puback(11) + " " + Packets5.puback(12), pub.read());

        Thread.sleep(1_100); // past the 1 s expiry of the first message

        WireClient back = WireClient.open(broker);
        back.send(Packets5.connect("dev", false, 60, expiry(60)));
        List<Packet> answer = Mqtt5Wire.split(back.read());
        assertEquals(2, answer.size(), "CONNACK and the unexpired message only");
        Publish got = Mqtt5Wire.publish(answer.get(1));
        assertEquals("long", got.payloadText());
        long remaining = got.properties().integer(Packets5.MESSAGE_EXPIRY_INTERVAL);
        assertTrue(remaining < 3600 && remaining >= 3590, "the time spent queued is subtracted: " + remaining);
        assertEquals(1, broker.metrics().droppedExpired.sum());
    }

    // ---- the broker ends the connection ----

    @Test
    void takenOverConnectionGetsDisconnect0x8E() {
        WireClient first = Mqtt5Wire.connect(broker, "c1");

        WireClient second = WireClient.open(broker);
        second.send(Packets5.connect("c1", true, 60, props()));

        assertEquals(Packets5.disconnect(0x8E, "another connection took the session over"), first.read());
        assertFalse(first.isOpen());
        assertEquals(0x00, Mqtt5Wire.connAck(second.read()).reasonCode());
        assertTrue(second.isOpen());
        assertEquals(0, broker.metrics().protocolViolations.sum(), "the old client did nothing wrong");
    }

    @Test
    void takeoverOfAKeptSessionResumesItOnTheNewConnection() {
        WireClient first = persistentSubscriber();

        WireClient second = WireClient.open(broker);
        second.send(Packets5.connect("dev", false, 60, expiry(60)));

        assertEquals(0x8E, Mqtt5Wire.disconnect(first.read()).reasonCode());
        assertTrue(Mqtt5Wire.connAck(second.read()).sessionPresent());
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        pub.send(Packets5.publish("a/b", 0, 0, props(), "hi"));
        assertEquals(Packets5.publish("a/b", 0, 0, props(), "hi"), second.read());
    }

    @Test
    void keepaliveExpiryGetsDisconnect0x8D() {
        WireClient client = Mqtt5Wire.connect(broker, "c1"); // keepalive 60 s: 90 s of silence allowed

        client.advance(Duration.ofSeconds(89));
        assertTrue(client.isOpen());
        assertEquals("", client.read());
        client.advance(Duration.ofSeconds(2));

        assertEquals(Packets5.disconnect(0x8D, "keepalive expired"), client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"));
    }

    @Test
    void pingKeepsAnMqtt5ConnectionAlive() {
        WireClient client = Mqtt5Wire.connect(broker, "c1");

        client.advance(Duration.ofSeconds(80));
        client.send("C0 00");
        assertEquals("D0 00", client.read());
        client.advance(Duration.ofSeconds(80));

        assertTrue(client.isOpen());
    }

    @Test
    void shutdownSendsDisconnect0x8BToMqtt5ClientsAndClosesMqtt311Clients() throws InterruptedException {
        WireClient v5 = Mqtt5Wire.connect(broker, "v5");
        WireClient v311 = WireClient.connect(broker, "v311", true);

        broker.shutdown(5, TimeUnit.SECONDS);

        assertEquals(Packets5.disconnect(0x8B, "server shutting down"), v5.read());
        assertFalse(v5.isOpen());
        assertEquals("", v311.read(), "3.1.1 has no DISCONNECT from the server");
        assertFalse(v311.isOpen());
    }
}
