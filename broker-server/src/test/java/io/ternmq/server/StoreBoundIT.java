package io.ternmq.server;

import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.ternmq.server.PahoClients.Client;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's bounds under a heap of 256 MiB: a persistent subscriber that never reads, 20,000 QoS 1 messages of
 * 64 KiB (1.25 GiB) published to it. The broker neither runs out of memory nor fills the disk: the backlog goes to
 * the store until storage.max-bytes, then the publisher is refused with PUBACK 0x97, and other clients go on.
 */
class StoreBoundIT {

    private static final int MESSAGES = 20_000;
    private static final int PAYLOAD = 64 * 1024;
    private static final long MAX_BYTES = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void aSubscriberThatNeverReadsFillsTheStoreToItsBoundAndNoFurther() throws Exception {
        int port = TestBroker.freePort();
        Path dataDir = dir.resolve("data");
        // The per-session bounds are raised past the whole stream, so it is the broker-wide bound that is hit.
        Map<String, String> env = Map.of("TERNMQ_STORAGE_MAX_BYTES", "256MiB",
                "TERNMQ_LIMITS_MAX_QUEUED_BYTES", "4GiB", "TERNMQ_LIMITS_MAX_QUEUED_MESSAGES", "100000");
        try (JarProcess broker = JarProcess.start(dir, env, List.of("-Xmx256m"), "--tcp-port",
                Integer.toString(port), "--tls-port", "0", "--quic-port", "0", "--data-dir", dataDir.toString())) {
            assertTrue(broker.awaitLine("ternmq ready", 60_000), broker.output.toString());
            Socket stalled = neverReadingSubscriber(port);
            Thread.sleep(500); // its SUBSCRIBE is handled (the SUBACK waits, unread, in its socket)

            AtomicLong largestStore = new AtomicLong();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    largestStore.accumulateAndGet(directoryBytes(dataDir.resolve("store")), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "store-size-watcher");
            watcher.setDaemon(true);
            watcher.start();

            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger quotaExceeded = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            Mqtt5AsyncClient publisher = MqttClient.builder().useMqttVersion5().identifier("bound-pub")
                    .serverHost("127.0.0.1").serverPort(port).buildAsync();
            publisher.connect().get(10, TimeUnit.SECONDS);
            try (Client otherSub = connect(port, "bound-other-sub");
                 Client otherPub = connect(port, "bound-other-pub")) {
                otherSub.paho.subscribe("other/t", 1);
                byte[] payload = new byte[PAYLOAD];
                new Random(1).nextBytes(payload); // incompressible: the store's files hold every byte
                Semaphore window = new Semaphore(64);
                for (int i = 0; i < MESSAGES; i++) {
                    assertTrue(window.tryAcquire(60, TimeUnit.SECONDS), "no PUBACK for a minute after " + i);
                    publisher.publishWith().topic("bound/t").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
                            .whenComplete((result, error) -> {
                                count(result, error, accepted, quotaExceeded, other);
                                window.release();
                            });
                    if (i % 1000 == 0) {
                        otherPub.publish("other/t", "still-here-" + i, 1);
                        PahoClients.Received r = otherSub.next();
                        assertNotNull(r, "another client stopped getting messages after " + i + " of 64 KiB");
                        assertEquals("still-here-" + i, r.text());
                    }
                }
                assertTrue(window.tryAcquire(64, 60, TimeUnit.SECONDS), "PUBACKs missing at the end");
            } finally {
                publisher.disconnect();
                watcher.interrupt();
                stalled.close();
            }
            watcher.join();
            long storeBytes = directoryBytes(dataDir.resolve("store"));
            largestStore.accumulateAndGet(storeBytes, Math::max);

            assertTrue(broker.process.isAlive(), "the broker died: " + tail(broker));
            assertTrue(broker.output.stream().noneMatch(l -> l.contains("OutOfMemoryError")), tail(broker));
            assertEquals(0, other.get(), "every PUBLISH got PUBACK 0x00 or 0x97");
            assertEquals(MESSAGES, accepted.get() + quotaExceeded.get());
            assertTrue(accepted.get() * (long) PAYLOAD >= MAX_BYTES / 2, accepted.get() + " accepted: the store "
                    + "took less than half its bound");
            assertTrue(quotaExceeded.get() > 0, "the bound was never reached");
            assertTrue(largestStore.get() <= MAX_BYTES, "the store grew to " + largestStore.get()
                    + " bytes on disk, past storage.max-bytes " + MAX_BYTES);
            assertTrue(broker.output.stream().anyMatch(l -> l.contains("refusing QoS 1 messages for persistent")),
                    "the refusal is logged: " + tail(broker));
            System.out.printf("store bound: %d accepted, %d refused with 0x97; store at most %d bytes on disk "
                    + "(bound %d)%n", accepted.get(), quotaExceeded.get(), largestStore.get(), MAX_BYTES);
        }
    }

    private static void count(Mqtt5PublishResult result, Throwable error, AtomicInteger accepted,
                              AtomicInteger quotaExceeded, AtomicInteger other) {
        Throwable failure = error != null ? error : result.getError().orElse(null);
        if (failure == null) {
            accepted.incrementAndGet();
        } else if (failure instanceof Mqtt5PubAckException e
                && e.getMqttMessage().getReasonCode() == Mqtt5PubAckReasonCode.QUOTA_EXCEEDED) {
            quotaExceeded.incrementAndGet();
        } else {
            other.incrementAndGet();
        }
    }

    /** MQTT 3.1.1, clean session 0, subscribed to bound/# at QoS 1, with a small receive buffer it never reads. */
    private static Socket neverReadingSubscriber(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        byte[] id = "bound-stalled".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream connect = new ByteArrayOutputStream();
        connect.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x00}); // keepalive off
        connect.write(0);
        connect.write(id.length);
        connect.writeBytes(id);
        byte[] filter = "bound/#".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
        subscribe.writeBytes(new byte[] {0x00, 0x01, 0x00, (byte) filter.length});
        subscribe.writeBytes(filter);
        subscribe.write(1);
        OutputStream out = socket.getOutputStream();
        out.write(RawMqtt.packet(0x10, connect.toByteArray()));
        out.write(RawMqtt.packet(0x82, subscribe.toByteArray()));
        out.flush();
        return socket;
    }

    private static Client connect(int port, String id) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient paho = new org.eclipse.paho.client.mqttv3.MqttClient(
                "tcp://127.0.0.1:" + port, id, new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        Client client = new Client(paho);
        MqttConnectOptions options = PahoClients.options(MQTT_VERSION_3_1_1, true);
        paho.setTimeToWait(10_000);
        paho.connect(options);
        return client;
    }

    private static long directoryBytes(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted while walking (compaction)
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static String tail(JarProcess broker) {
        List<String> lines = broker.output;
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
