package io.ternmq.server;

import static io.ternmq.server.PahoClients.connect;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.session.Session;
import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading must cost the broker a bounded queue, not memory without end, and must not
 * slow anyone else down: the publisher finishes, a healthy subscriber gets every message, and the stalled one
 * loses its oldest messages, counted.
 */
class BackPressureIT {

    private static final int COUNT = 3_000;
    private static final int MAX_QUEUED = 100;

    @Test
    void stalledSubscriberLosesItsOldestMessagesAndNobodyElseNotices() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES",
                Integer.toString(MAX_QUEUED)));
             RawMqtt stalled = new RawMqtt(broker.port);
             Client healthy = connect(broker, "healthy", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "bp-pub", MQTT_VERSION_3_1_1, true)) {
            assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, stalled.connect("stalled", 600));
            stalled.socket.setReceiveBufferSize(4096);
            stalled.subscribe(1, "bp/#");
            assertArrayEquals(new byte[] {(byte) 0x90, 0x03, 0x00, 0x01, 0x01}, stalled.in().readNBytes(5), "SUBACK");
            healthy.paho.subscribe("bp/#", 1);
            // From here on the stalled client reads nothing.

            // In lockstep with the healthy subscriber, so only the stalled one can fall behind.
            String payload = "x".repeat(4096);
            for (int i = 0; i < COUNT; i++) {
                pub.publish("bp/t", i + ":" + payload, 1);
                Received r = healthy.next();
                assertNotNull(r, "healthy subscriber lost message " + i);
                assertTrue(r.text().startsWith(i + ":"), "out of order at " + i);
            }

            Session session = broker.server.engine().registry.get("stalled");
            java.util.concurrent.CompletableFuture<Integer> queued = new java.util.concurrent.CompletableFuture<>();
            assertTrue(session.owner().tryExecute(() -> queued.complete(session.queued())));
            int depth = queued.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(depth > 0 && depth <= MAX_QUEUED, "queue empty or above its bound: " + depth);
            long dropped = broker.server.engine().metrics.droppedQueueFull.sum();
            assertTrue(dropped > 0, "nothing was dropped, so the stalled subscriber was not stalled");
            assertEquals(0L, broker.server.engine().metrics.droppedOwnerBusy.sum());
        }
    }
}
