package io.ternmq.server;

import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Acknowledged = durable", against the jar as a separate process: every QoS 1 message whose PUBACK the publisher
 * got survives SIGKILL of the broker at any point, and every queued message survives SIGTERM, in order.
 */
class CrashRecoveryIT {

    private static final int SUBSCRIBERS = 10;
    private static final int MESSAGES = 20_000;
    private static final int RUNS = 3;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageSurvivesSigkillAtARandomPoint() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int run = 0; run < RUNS; run++) {
            // Kill points spread over the stream: early, middle and late (each somewhere in its third).
            int third = MESSAGES / RUNS;
            int killAfterAcks = run * third + 500 + random.nextInt(third - 1000);
            crashAndRecover(dir.resolve("run-" + run), killAfterAcks, "seed " + seed + ", run " + run);
        }
    }

    private void crashAndRecover(Path dataDir, int killAfterAcks, String label) throws Exception {
        int port = TestBroker.freePort();
        // Every subscriber gets every message: 20,000 each, past the default queue bound of 10,000.
        Map<String, String> env = Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES", "25000");
        BitSet acked = new BitSet(MESSAGES);
        int published;
        try (JarProcess broker = JarProcess.startBroker(dataDir, port, env)) {
            for (int s = 0; s < SUBSCRIBERS; s++) {
                MqttClient sub = new MqttClient("tcp://127.0.0.1:" + port, "crash-sub-" + s, new MemoryPersistence());
                sub.connect(PahoClients.options(MQTT_VERSION_3_1_1, false));
                sub.subscribe("crash/#", 1);
                sub.disconnect();
                sub.close();
            }
            published = publishUntilKilled(port, broker, killAfterAcks, acked);
            assertEquals(137, broker.awaitExit(30), label + ": the broker was to die of SIGKILL");
        }
        int ackedCount = acked.cardinality();
        assertTrue(ackedCount >= killAfterAcks, label + ": " + ackedCount + " PUBACKs before the kill");

        try (JarProcess broker = JarProcess.startBroker(dataDir, port, env)) {
            List<Inbox> inboxes = new ArrayList<>();
            for (int s = 0; s < SUBSCRIBERS; s++) {
                inboxes.add(new Inbox("tcp://127.0.0.1:" + port, "crash-sub-" + s, acked));
            }
            for (Inbox inbox : inboxes) {
                assertTrue(inbox.sessionPresent, label + ": " + inbox.id + " lost its session in the crash");
            }
            for (Inbox inbox : inboxes) {
                assertTrue(inbox.allAcked.await(120, TimeUnit.SECONDS), label + ": " + inbox.id + " is missing "
                        + inbox.missing() + " of " + ackedCount + " acknowledged messages, e.g. "
                        + inbox.firstMissing() + " (" + published + " published, kill after " + killAfterAcks + ")");
            }
            Thread.sleep(300); // what else the store held (written, its PUBACK lost in the kill) may still come
            int duplicates = 0;
            for (Inbox inbox : inboxes) {
                inbox.close();
                assertTrue(inbox.outOfOrder.isEmpty(), label + ": " + inbox.id + " got messages out of publish "
                        + "order: " + inbox.outOfOrder);
                duplicates += inbox.duplicates.get();
            }
            System.out.printf("crash test %s: killed after %d PUBACKs (%d counted, %d published); every one of "
                    + "them arrived at %d subscribers, %d duplicates%n", label, killAfterAcks, ackedCount, published,
                    SUBSCRIBERS, duplicates);
            broker.terminate();
            assertEquals(0, broker.awaitExit(60));
        }
    }

    @Test
    void aSigtermRestartKeepsEveryQueuedMessageInOrder() throws Exception {
        int port = TestBroker.freePort();
        Path dataDir = dir.resolve("sigterm");
        BitSet acked = new BitSet(2000);
        try (JarProcess broker = JarProcess.startBroker(dataDir, port, Map.of())) {
            MqttClient sub = new MqttClient("tcp://127.0.0.1:" + port, "sigterm-sub", new MemoryPersistence());
            sub.connect(PahoClients.options(MQTT_VERSION_3_1_1, false));
            sub.subscribe("crash/#", 1);
            sub.disconnect();
            sub.close();
            publishUntilKilled(port, null, 2000, acked);
            broker.terminate();
            assertEquals(0, broker.awaitExit(60), "SIGTERM drains, writes the store and exits 0");
            assertTrue(broker.output.stream().anyMatch(l -> l.contains("ternmq stopped")), broker.output.toString());
        }
        assertEquals(2000, acked.cardinality());
        try (JarProcess broker = JarProcess.startBroker(dataDir, port, Map.of());
             Inbox inbox = new Inbox("tcp://127.0.0.1:" + port, "sigterm-sub", acked)) {
            assertTrue(broker.output.stream().anyMatch(l -> l.contains("1 persistent sessions restored")),
                    broker.output.toString());
            assertTrue(inbox.sessionPresent);
            assertTrue(inbox.allAcked.await(60, TimeUnit.SECONDS), inbox.missing() + " messages lost");
            assertTrue(inbox.outOfOrder.isEmpty(), "out of order: " + inbox.outOfOrder);
            assertEquals(0, inbox.duplicates.get(), "a graceful stop leaves nothing in flight to resend");
        }
    }

    /**
     * Publishes message i (payload "i") to crash/t{i % 10} with up to 1,000 in flight, recording each PUBACK; with a
     * broker given, SIGKILLs it once {@code stopAfterAcks} have arrived, else stops after that many messages.
     * Returns how many were sent.
     */
    private static int publishUntilKilled(int port, JarProcess broker, int stopAfterAcks, BitSet acked)
            throws Exception {
        MqttAsyncClient pub = new MqttAsyncClient("tcp://127.0.0.1:" + port, "crash-pub", new MemoryPersistence());
        MqttConnectOptions options = PahoClients.options(MQTT_VERSION_3_1_1, true);
        options.setMaxInflight(1000);
        CountDownLatch lost = new CountDownLatch(1);
        pub.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        pub.connect(options).waitForCompletion(10_000);
        Semaphore window = new Semaphore(1000);
        AtomicInteger acks = new AtomicInteger();
        int total = broker == null ? stopAfterAcks : MESSAGES;
        int sent = 0;
        for (int i = 0; i < total && lost.getCount() > 0; i++) {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (lost.getCount() == 0) {
                    break;
                }
            }
            if (lost.getCount() == 0) {
                break;
            }
            int seq = i;
            MqttMessage message = new MqttMessage(Integer.toString(seq).getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            try {
                pub.publish("crash/t" + (seq % 10), message, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        synchronized (acked) {
                            acked.set(seq);
                        }
                        window.release();
                        if (acks.incrementAndGet() == stopAfterAcks && broker != null) {
                            broker.process.destroyForcibly(); // SIGKILL, mid-stream
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        window.release();
                    }
                });
                sent++;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                break; // the connection is gone
            }
        }
        if (broker == null) {
            window.acquire(1000); // every PUBACK in
            pub.disconnect().waitForCompletion(10_000);
        } else {
            assertTrue(lost.await(30, TimeUnit.SECONDS), "the publisher never saw the broker die");
        }
        pub.close(true);
        return sent;
    }

    /** A persistent subscriber reconnected after the restart, checking what arrives against the PUBACKs. */
    private static final class Inbox implements MqttCallback, AutoCloseable {
        final String id;
        final MqttClient client;
        final boolean sessionPresent;
        final BitSet expected;
        final BitSet seen = new BitSet();
        final CountDownLatch allAcked = new CountDownLatch(1);
        final AtomicInteger duplicates = new AtomicInteger();
        final List<String> outOfOrder = new ArrayList<>();
        private int highest = -1;
        private int remaining;

        Inbox(String uri, String id, BitSet acked) throws Exception {
            this.id = id;
            synchronized (acked) {
                this.expected = (BitSet) acked.clone();
            }
            remaining = expected.cardinality();
            client = new MqttClient(uri, id, new MemoryPersistence());
            client.setCallback(this);
            if (remaining == 0) {
                allAcked.countDown();
            }
            MqttConnectOptions options = PahoClients.options(MQTT_VERSION_3_1_1, false);
            sessionPresent = client.connectWithResult(options).getSessionPresent();
        }

        @Override
        public synchronized void messageArrived(String topic, MqttMessage message) {
            int seq = Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8));
            if (seen.get(seq)) {
                duplicates.incrementAndGet();
                return;
            }
            seen.set(seq);
            if (seq < highest && outOfOrder.size() < 10) {
                outOfOrder.add(seq + " after " + highest);
            }
            highest = Math.max(highest, seq);
            if (expected.get(seq) && --remaining == 0) {
                allAcked.countDown();
            }
        }

        synchronized int missing() {
            return remaining;
        }

        synchronized int firstMissing() {
            BitSet missing = (BitSet) expected.clone();
            missing.andNot(seen);
            return missing.nextSetBit(0);
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect(5_000);
            }
            client.close(true);
        }
    }
}
