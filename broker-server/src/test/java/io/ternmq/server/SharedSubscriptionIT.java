package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ternmq.server.RawMqtt.Packet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/** Shared subscriptions $share/{group}/{filter}, for MQTT 5.0 and 3.1.1 members alike. */
class SharedSubscriptionIT extends SharedBrokerIT {


    @Test
    void eachMessageGoesToOneMemberInTurn() throws Exception {
        try (Paho5 a = Paho5.connect(broker, "share-a");
             Paho5 b = Paho5.connect(broker, "share-b");
             PahoClients.Client c = PahoClients.connect(broker, "share-c", MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             Paho5 everyone = Paho5.connect(broker, "share-plain");
             Paho5 pub = Paho5.connect(broker, "share-pub")) {
            a.paho.subscribe("$share/workers/jobs/#", 1);
            b.paho.subscribe("$share/workers/jobs/#", 1);
            c.paho.subscribe("$share/workers/jobs/#", 1);
            everyone.paho.subscribe("jobs/#", 1);
            for (int i = 0; i < 9; i++) {
                pub.publish("jobs/" + i, "job" + i, 1, null);
            }
            Set<String> seen = new HashSet<>();
            int fromA = drain(a, seen);
            int fromB = drain(b, seen);
            int fromC = 0;
            PahoClients.Received r;
            while ((r = c.nextOrNull(500)) != null) {
                assertTrue(seen.add(r.text()), "a message reached two members: " + r.text());
                fromC++;
            }
            assertEquals(9, seen.size(), "every message reached exactly one member");
            assertEquals(3, fromA, "round robin");
            assertEquals(3, fromB, "round robin");
            assertEquals(3, fromC, "a 3.1.1 member takes its turn too");
            for (int i = 0; i < 9; i++) {
                assertNotNull(everyone.next(), "an ordinary subscription still gets every message");
            }
        }
    }

    @Test
    void anUnacknowledgedMessageOfADepartedMemberGoesToAnother() throws Exception {
        try (Paho5 steady = Paho5.connect(broker, "share-steady");
             Paho5 pub = Paho5.connect(broker, "share-pub2")) {
            steady.paho.subscribe("$share/g2/work", 1);
            try (RawMqtt flaky = new RawMqtt(broker.port)) {
                flaky.connect5("share-flaky");
                byte[] filter = "$share/g2/work".getBytes();
                flaky.send(0x82, Mqtt5FeaturesIT.concat(new byte[] {0x00, 0x01, 0x00, 0x00, (byte) filter.length},
                        filter, new byte[] {0x01}));
                assertEquals(9, flaky.read(10_000).type(), "SUBACK");
                pub.publish("work", "one", 1, null);
                pub.publish("work", "two", 1, null);
                Packet taken = flaky.read(10_000);
                assertNotNull(taken, "round robin gave the flaky member nothing");
                assertEquals(3, taken.type());
                // It never acknowledges, and goes away.
            }
            Set<String> got = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Paho5.Received r = steady.next();
                assertNotNull(r, "the departed member's message was not redelivered");
                got.add(r.text());
            }
            assertEquals(Set.of("one", "two"), got);
            assertNull(steady.nextOrNull(300));
        }
    }

    @Test
    void aMemberThatFallsBehindIsPassedOverInsteadOfLosingMessages() throws Exception {
        // A window of 4 and a queue of 40: the stalled member (a raw socket that never acknowledges) holds 4 in
        // flight, and once 20 wait in its queue (half the bound) the group's messages go to the healthy member.
        // Plain round robin would hand the stalled member every other message, and its queue would drop them.
        int count = 200;
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES", "40",
                "TERNMQ_LIMITS_MAX_INFLIGHT", "4"));
             RawMqtt stalled = new RawMqtt(own.port);
             PahoClients.Client healthy = PahoClients.connect(own, "share-healthy", MqttConnectOptions.MQTT_VERSION_3_1_1,
                     true);
             PahoClients.Client pub = PahoClients.connect(own, "share-pub3", MqttConnectOptions.MQTT_VERSION_3_1_1,
                     true)) {
            stalled.connect("share-stalled", 600);
            stalled.subscribe(1, "$share/g3/slow/#");
            assertEquals(9, stalled.read(10_000).type(), "SUBACK");
            healthy.paho.subscribe("$share/g3/slow/#", 1);
            for (int i = 0; i < count; i++) {
                pub.publish("slow/t", "m" + i, 1);
                if (i % 10 == 9) {
                    // The healthy member must not fall behind itself (a busy machine can slow its acks): with both
                    // behind, the one with less waiting gets the message, which may be the stalled one.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (inFlightAndQueued(own, "share-healthy")[1] >= 10 && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
            }
            int received = drainCount(healthy);
            int[] held = inFlightAndQueued(own, "share-stalled");
            assertEquals(4, held[0], "the stalled member's window is full");
            assertTrue(held[1] >= 20 && held[1] < 40, "its queue stopped growing once it was behind: " + held[1]);
            assertEquals(0L, own.server.engine().metrics.droppedQueueFull.sum(), "nothing dropped");
            assertEquals(count, received + held[0] + held[1],
                    "every message is with the healthy member or held for the stalled one");
            assertTrue(own.server.engine().metrics.sharedPassedOver.sum() > 0);
        }
    }

    @Test
    void aBurstCountsWhatIsOnItsWayToAMemberWhoseLoopIsBusy() throws Exception {
        // The stalled member's event loop is held while a burst of 40 PUBLISHes, sent in one write, is routed on
        // another loop: its queue cannot show anything yet, so only the count of deliveries on their way to it
        // tells the router it has had its share. With a queue of 10 it gets exactly 5 (half the bound), the
        // healthy member on the publisher's loop the other 35; round robin blind to them would give it 20.
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs a second I/O event loop");
        try (TestBroker own = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES", "10",
                "TERNMQ_LIMITS_MAX_INFLIGHT", "100"))) {
            io.ternmq.core.session.SessionRegistry registry = own.server.engine().registry;
            String stalledId = "burst-stalled";
            String pubId = otherLoop(registry, stalledId, "burst-pub-");
            String healthyId = sameLoop(registry, pubId, "burst-healthy-");
            CountDownLatch release = new CountDownLatch(1);
            try (RawMqtt stalled = new RawMqtt(own.port);
                 PahoClients.Client healthy = PahoClients.connect(own, healthyId,
                         MqttConnectOptions.MQTT_VERSION_3_1_1, true);
                 RawMqtt pub = new RawMqtt(own.port)) {
                stalled.connect(stalledId, 600);
                stalled.subscribe(1, "$share/g4/burst/#");
                assertEquals(9, stalled.read(10_000).type(), "SUBACK");
                healthy.paho.subscribe("$share/g4/burst/#", 1);
                pub.connect(pubId, 600);
                own.holdOwner(stalledId, release);
                java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                for (int id = 1; id <= 40; id++) {
                    // QoS 1 PUBLISH to "burst/x", packet id `id`, the payload its number
                    burst.writeBytes(RawMqtt.packet(0x32, Mqtt5FeaturesIT.concat(
                            new byte[] {0, 7, 'b', 'u', 'r', 's', 't', '/', 'x', 0, (byte) id},
                            Integer.toString(id).getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
                }
                pub.socket.getOutputStream().write(burst.toByteArray());
                pub.socket.getOutputStream().flush();
                for (int id = 1; id <= 40; id++) {
                    assertEquals(4, pub.read(10_000).type(), "PUBACK " + id + ": routed while the loop is held");
                }
                release.countDown();
                int received = drainCount(healthy);
                int[] stalledHolds = inFlightAndQueued(own, stalledId);
                assertEquals(5, stalledHolds[0] + stalledHolds[1], "the stalled member got exactly half its bound");
                assertEquals(35, received, "the healthy member got the rest");
                assertEquals(0L, own.server.engine().metrics.droppedQueueFull.sum(), "nothing dropped");
            } finally {
                release.countDown();
            }
        }
    }

    private static String otherLoop(io.ternmq.core.session.SessionRegistry registry, String of, String prefix) {
        for (int i = 0; ; i++) {
            if (registry.ownerOf(prefix + i) != registry.ownerOf(of)) {
                return prefix + i;
            }
        }
    }

    private static String sameLoop(io.ternmq.core.session.SessionRegistry registry, String of, String prefix) {
        for (int i = 0; ; i++) {
            if (registry.ownerOf(prefix + i) == registry.ownerOf(of)) {
                return prefix + i;
            }
        }
    }

    private static int drainCount(PahoClients.Client member) throws InterruptedException {
        Set<String> seen = new HashSet<>();
        PahoClients.Received r;
        while ((r = member.nextOrNull(1_000)) != null) {
            assertTrue(seen.add(r.text()), "a message arrived twice: " + r.text());
        }
        return seen.size();
    }

    /** What the session of clientId holds: {in flight, queued}, read on its owner. */
    private static int[] inFlightAndQueued(TestBroker broker, String clientId) throws Exception {
        io.ternmq.core.session.Session session = broker.server.engine().registry.get(clientId);
        java.util.concurrent.CompletableFuture<int[]> held = new java.util.concurrent.CompletableFuture<>();
        assertTrue(session.owner().tryExecute(() -> held.complete(new int[] {session.inflight(), session.queued()})));
        return held.get(10, TimeUnit.SECONDS);
    }

    private static int drain(Paho5 member, Set<String> seen) throws InterruptedException {
        int n = 0;
        Paho5.Received r;
        while ((r = member.nextOrNull(500)) != null) {
            assertTrue(seen.add(r.text()), "a message reached two members: " + r.text());
            n++;
        }
        return n;
    }
}
