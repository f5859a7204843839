package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.protocol.Mqtt5Wire.Disconnect;
import io.ternmq.core.protocol.Mqtt5Wire.Publish;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.core.session.SessionOwner;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Receive Maximum and Maximum Packet Size, both ways (PLATFORM.md 3 and 4): a client over the broker's Receive
 * Maximum gets DISCONNECT 0x93, a packet over the broker's maximum DISCONNECT 0x95; the broker never has more
 * unacknowledged QoS 1 deliveries to a client than it allows, and never sends it a packet larger than its own
 * Maximum Packet Size.
 */
class Mqtt5FlowControlTest {

    private final TestEngine broker = TestEngine.start();

    // ---- Receive Maximum, client to broker ----

    /** Runs a marker task on the owner and waits for it: everything queued before it has run. */
    private static void awaitOwner(SessionOwner owner) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        assertTrue(owner.tryExecute(done::countDown));
        assertTrue(done.await(10, TimeUnit.SECONDS), "session owner stuck");
    }

    /** Stops the owner until the returned latch is counted down. */
    private static CountDownLatch block(SessionOwner owner) {
        CountDownLatch gate = new CountDownLatch(1);
        assertTrue(owner.tryExecute(() -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return gate;
    }

    @Test
    void moreUnacknowledgedQos1PublishesThanTheBrokersReceiveMaximumGetDisconnect0x93() throws Exception {
        // With the inline owner a PUBLISH is routed and acknowledged before the next one is read, so nothing is
        // ever outstanding. One real owner thread, held still while the client sends, leaves the first two
        // unacknowledged; the test thread only touches the channel while that owner is blocked or idle.
        TestEngine threaded = TestEngine.of(Mqtt5Wire.configWith(2, 16), 1);
        try {
            SessionOwner owner = threaded.registry().ownerOf("pub");
            WireClient pub = WireClient.open(threaded);
            CountDownLatch gate = block(owner);
            pub.send(Packets5.connect("pub", true, 60, props()));
            gate.countDown();
            awaitOwner(owner);
            pub.channel().flush();
            assertEquals(2, Mqtt5Wire.connAck(pub.read()).properties().integer(Packets5.RECEIVE_MAXIMUM));

            gate = block(owner);
            pub.send(Packets5.publish("a/b", 1, 1, props(), "m1"));
            pub.send(Packets5.publish("a/b", 1, 2, props(), "m2"));
            assertEquals("", pub.read(), "two outstanding are within Receive Maximum 2");
            assertTrue(pub.isOpen());
            pub.send(Packets5.publish("a/b", 1, 3, props(), "m3"));
            assertEquals("", pub.read(), "the DISCONNECT waits behind what the owner still owes (MQTT-3.2.0-1)");

            gate.countDown();
            awaitOwner(owner);
            pub.channel().runPendingTasks();
            String out = pub.read();
            assertTrue(out.endsWith(Packets5.disconnect(0x93, "more than 2 unacknowledged QoS 1 PUBLISH")), out);
            assertFalse(out.contains("00 03"), "the third PUBLISH was not acknowledged: " + out);
            assertFalse(pub.isOpen());
            assertEquals(1, threaded.metrics().protocolViolations.sum());
        } finally {
            threaded.shutdown(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void acknowledgedPublishesDoNotCountAgainstTheBrokersReceiveMaximum() {
        TestEngine small = Mqtt5Wire.brokerWith(2, 16);
        WireClient pub = Mqtt5Wire.connect(small, "pub");

        for (int id = 1; id <= 5; id++) {
            pub.send(Packets5.publish("a/b", 1, id, props(), "m" + id));
            assertEquals(Packets5.puback(id), pub.read());
        }
        // Refused ones are acknowledged too, so they free their slot as well.
        for (int id = 6; id <= 8; id++) {
            pub.send(Packets5.publish("a/b", 1, id, props().user("_x", "y"), "m"));
            assertEquals(0x83, Mqtt5Wire.pubAck(pub.read()).reasonCode());
        }
        pub.send(Packets5.publish("a/b", 1, 9, props(), "m9"));
        assertEquals(Packets5.puback(9), pub.read());
        assertTrue(pub.isOpen());
    }

    // ---- Receive Maximum, broker to client ----

    @Test
    void subscriberWithReceiveMaximum2HasAtMostTwoUnacknowledgedDeliveries() {
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        WireClient sub = Mqtt5Wire.connect(broker, "sub", true, props().twoByte(Packets5.RECEIVE_MAXIMUM, 2));
        Mqtt5Wire.subscribe(sub, 1, "a/b", 1);

        for (int id = 1; id <= 4; id++) {
            pub.send(Packets5.publish("a/b", 1, id, props(), "m" + id));
            assertEquals(Packets5.puback(id), pub.read());
        }

        assertEquals(Packets5.publish("a/b", 1, 1, props(), "m1") + " "
                + Packets5.publish("a/b", 1, 2, props(), "m2"), sub.read());
        assertEquals(2, broker.registry().get("sub").inflight());
        assertEquals(2, broker.registry().get("sub").queued());

        sub.send(Packets5.puback(1));
        assertEquals(Packets5.publish("a/b", 1, 3, props(), "m3"), sub.read());
        sub.send("40 03 00 02 00"); // PUBACK with an explicit Success reason code
        assertEquals(Packets5.publish("a/b", 1, 4, props(), "m4"), sub.read());
        sub.send(Packets5.puback(3));
        assertEquals("", sub.read());
        assertEquals(1, broker.registry().get("sub").inflight());
    }

    @Test
    void qos0DeliveriesAreNotHeldBackByTheReceiveMaximum() {
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        WireClient sub = Mqtt5Wire.connect(broker, "sub", true, props().twoByte(Packets5.RECEIVE_MAXIMUM, 1));
        Mqtt5Wire.subscribe(sub, 1, "a/b", 1);

        pub.send(Packets5.publish("a/b", 1, 1, props(), "q1"));
        assertEquals(Packets5.publish("a/b", 1, 1, props(), "q1"), sub.read());
        pub.send(Packets5.publish("a/b", 0, 0, props(), "z"));

        // MQTT-3.3.4-9 limits QoS 1 and 2 only; a QoS 0 message need not wait behind the full window.
        assertEquals(Packets5.publish("a/b", 0, 0, props(), "z"), sub.read());
    }

    // ---- Maximum Packet Size, broker to client ----

    @Test
    void messageLargerThanTheSubscribersMaximumPacketSizeIsNotSentAndIsCounted() {
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        WireClient sub = Mqtt5Wire.connect(broker, "sub", true, props().fourByte(Packets5.MAXIMUM_PACKET_SIZE, 100));
        Mqtt5Wire.subscribe(sub, 1, "a/b", 1);

        pub.send(Packets5.publish("a/b", 1, 1, props(), "small"));
        pub.send(Packets5.publish("a/b", 1, 2, props(), Packets5.repeat('x', 200)));
        pub.send(Packets5.publish("a/b", 1, 3, props(), "after"));

        assertEquals(Packets5.puback(1) + " " + Packets5.puback(2) + " " + Packets5.puback(3), pub.read());
        List<Publish> got = Mqtt5Wire.publishes(sub.read());
        assertEquals(List.of("small", "after"), got.stream().map(Publish::payloadText).toList());
        assertEquals(1, broker.metrics().droppedTooLargeForClient.sum());
        assertEquals(0, broker.registry().get("sub").queued(), "a dropped message does not wait in the queue");
    }

    @Test
    void messageThatFitsTheSubscribersMaximumPacketSizeExactlyIsSent() {
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        WireClient sub = Mqtt5Wire.connect(broker, "sub", true, props().fourByte(Packets5.MAXIMUM_PACKET_SIZE, 100));
        Mqtt5Wire.subscribe(sub, 1, "a/b", 0);

        // QoS 0 to "a/b" with no properties: 1 + 1 + (2 + 3 + 1 + payload) bytes; 92 bytes of payload make 100.
        String fits = Packets5.publish("a/b", 0, 0, props(), Packets5.repeat('x', 92));
        String tooLarge = Packets5.publish("a/b", 0, 0, props(), Packets5.repeat('x', 93));
        assertEquals(100, Hex.bytes(fits).length);
        pub.send(fits);
        pub.send(tooLarge);

        assertEquals(fits, sub.read(), "a 100-byte packet is within Maximum Packet Size 100 (MQTT-3.1.2-24)");
        assertEquals(1, broker.metrics().droppedTooLargeForClient.sum());
    }

    @Test
    void subscriberWithoutMaximumPacketSizeGetsLargeMessages() {
        WireClient pub = Mqtt5Wire.connect(broker, "pub");
        WireClient sub = Mqtt5Wire.connect(broker, "sub");
        Mqtt5Wire.subscribe(sub, 1, "a/b", 1);

        String payload = Packets5.repeat('x', 10_000);
        pub.send(Packets5.publish("a/b", 0, 0, props(), payload));

        assertEquals(Packets5.publish("a/b", 0, 0, props(), payload), sub.read());
        assertEquals(0, broker.metrics().droppedTooLargeForClient.sum());
    }

    // ---- Maximum Packet Size, client to broker ----

    @Test
    void packetOverTheBrokersMaximumPacketSizeGetsDisconnect0x95() {
        TestEngine small = TestEngine.defaults().maxPacketSize(100).maxPayload(80).build();
        WireClient sub = Mqtt5Wire.connect(small, "sub");
        Mqtt5Wire.subscribe(sub, 1, "#", 1);
        WireClient pub = WireClient.open(small);
        pub.send(Packets5.connect("pub", true, 60, props()));
        assertEquals(100, Mqtt5Wire.connAck(pub.read()).properties().integer(Packets5.MAXIMUM_PACKET_SIZE));

        pub.send(Packets5.publish("a/b", 0, 0, props(), Packets5.repeat('x', 150)));

        Disconnect d = Mqtt5Wire.disconnect(pub.read());
        assertEquals(0x95, d.reasonCode());
        assertTrue(d.properties().has(Packets5.REASON_STRING));
        assertFalse(pub.isOpen());
        assertEquals("", sub.read());
    }
}
