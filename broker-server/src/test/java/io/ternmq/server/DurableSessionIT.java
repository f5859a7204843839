package io.ternmq.server;

import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Persistent sessions on the RocksDB store (storage.durability sync, the default) across a restart of the broker,
 * through Paho clients. {@link TestBroker#restart} stops the broker as SIGTERM does; CrashRecoveryIT kills the
 * jar instead.
 */
class DurableSessionIT {

    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void mqtt311SubscriptionsAndQueuedMessagesSurviveARestartInOrder() throws Exception {
        try (Client sub = PahoClients.connect(broker, "durable-311", MQTT_VERSION_3_1_1, false)) {
            sub.paho.subscribe(new String[] {"durable/311/#", "durable/311-qos0"}, new int[] {1, 0});
            sub.paho.disconnect();
        }
        publish("durable/311/a", 0, 300); // past the 32 a session keeps on the heap: the rest is read from disk

        broker = broker.restart();
        assertNotNull(broker.server.engine().registry.get("durable-311"), "the session is back before its client");
        // Routed by the restored subscription while the client is still away: queued after the 300.
        publish("durable/311/b", 300, 50);

        try (Client sub = PahoClients.connect(broker, "durable-311", MQTT_VERSION_3_1_1, false)) {
            assertTrue(sub.sessionPresent, "CONNACK session present after the restart");
            for (int i = 0; i < 350; i++) {
                Received r = sub.next();
                assertNotNull(r, "message m" + i + " was lost in the restart");
                assertEquals("m" + i, r.text(), "queue order");
                assertEquals(1, r.message().getQos());
                assertEquals(i < 300 ? "durable/311/a" : "durable/311/b", r.topic());
            }
            assertNull(sub.nextOrNull(300), "nothing beyond what was queued");
            // The second subscription came back too; the platform delivers at the publisher's QoS.
            try (Client pub = PahoClients.connect(broker, "durable-311-pub0", MQTT_VERSION_3_1_1, true)) {
                pub.publish("durable/311-qos0", "live", 1);
            }
            Received live = sub.next();
            assertNotNull(live, "the restored QoS 0 subscription routes");
            assertEquals("live", live.text());
            assertEquals(1, live.message().getQos(), "the publisher's QoS");
        }
    }

    @Test
    void mqtt5SessionKeepsItsSubscriptionOptionsAndQueueAcrossARestart() throws Exception {
        try (Paho5 sub = Paho5.connect(broker, "durable-5", Paho5.options(true, 3600L))) {
            org.eclipse.paho.mqttv5.common.MqttSubscription subscription =
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("durable/5/#", 1);
            subscription.setNoLocal(true);
            sub.paho.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {subscription});
            sub.paho.disconnect();
        }
        try (Paho5 pub = Paho5.connect(broker, "durable-5-pub")) {
            MqttProperties properties = new MqttProperties();
            properties.setContentType("text/plain");
            properties.setUserProperties(java.util.List.of(
                    new org.eclipse.paho.mqttv5.common.packet.UserProperty("k", "v")));
            for (int i = 0; i < 40; i++) {
                pub.publish("durable/5/t", "m" + i, 1, properties);
            }
        }

        broker = broker.restart();

        try (Paho5 sub = Paho5.connect(broker, "durable-5", Paho5.options(false, 3600L))) {
            assertTrue(sub.sessionPresent, "session present after the restart");
            for (int i = 0; i < 40; i++) {
                Paho5.Received r = sub.next();
                assertNotNull(r, "m" + i + " lost in the restart");
                assertEquals("m" + i, r.text());
                assertEquals("text/plain", r.message().getProperties().getContentType(), "properties kept");
                assertEquals("v", r.message().getProperties().getUserProperties().get(0).getValue());
            }
            // No Local came back with the subscription: its own message does not come back to it.
            sub.publish("durable/5/own", "own", 1, null);
            assertNull(sub.nextOrNull(500), "No Local lost in the restart");
        }
    }

    @Test
    void inFlightDeliveriesComeBackWithDupAfterARestartAndAcknowledgedOnesDoNot() throws Exception {
        MqttClient unacking = new MqttClient(broker.uri(), "durable-inflight", new MemoryPersistence());
        Client first = new Client(unacking);
        first.paho.setManualAcks(true); // receives, never acknowledges
        first.paho.connect(PahoClients.options(MQTT_VERSION_3_1_1, false));
        first.paho.subscribe("durable/inflight", 1);
        publish("durable/inflight", 0, 5);
        for (int i = 0; i < 5; i++) {
            Received r = first.next();
            assertNotNull(r, "first delivery of m" + i);
            assertFalse(r.message().isDuplicate(), "a first delivery has DUP 0");
        }

        broker = broker.restart();
        first.close();

        try (Client again = PahoClients.connect(broker, "durable-inflight", MQTT_VERSION_3_1_1, false)) {
            assertTrue(again.sessionPresent);
            for (int i = 0; i < 5; i++) {
                Received r = again.next();
                assertNotNull(r, "the unacknowledged m" + i + " did not come back after the restart");
                assertEquals("m" + i, r.text());
                assertTrue(r.message().isDuplicate(), "a resent delivery has DUP 1 (MQTT-3.3.1-1)");
            }
            assertNull(again.nextOrNull(300));
            again.paho.disconnect(); // Paho acknowledged all five before this returns
        }

        broker = broker.restart();

        try (Client third = PahoClients.connect(broker, "durable-inflight", MQTT_VERSION_3_1_1, false)) {
            assertTrue(third.sessionPresent);
            assertNull(third.nextOrNull(500), "acknowledged deliveries came back after a restart");
        }
    }

    @Test
    void sessionExpiryIsHonouredAcrossARestart() throws Exception {
        try (Paho5 brief = Paho5.connect(broker, "expires-while-down", Paho5.options(true, 2L));
             Paho5 lasting = Paho5.connect(broker, "outlives-the-restart", Paho5.options(true, 3600L));
             Paho5 timed = Paho5.connect(broker, "keeps-its-deadline", Paho5.options(true, 8L))) {
            brief.paho.subscribe("expiry/brief", 1);
            lasting.paho.subscribe("expiry/lasting", 1);
            timed.paho.subscribe("expiry/timed", 1);
            brief.paho.disconnect();
            lasting.paho.disconnect();
            timed.paho.disconnect();
        }
        long disconnectedAt = System.nanoTime();

        broker = broker.restart(Duration.ofSeconds(3)); // longer than the brief session's 2 s

        assertNull(broker.server.engine().registry.get("expires-while-down"), "expired while the broker was down");
        assertNotNull(broker.server.engine().registry.get("outlives-the-restart"));
        assertNotNull(broker.server.engine().registry.get("keeps-its-deadline"), "5 s of its 8 s are left");
        publish("expiry/brief", 0, 1); // nobody subscribes any more: not queued anywhere
        try (Paho5 brief = Paho5.connect(broker, "expires-while-down", Paho5.options(false, 2L))) {
            assertFalse(brief.sessionPresent, "a session that expired while the broker was down is gone");
            assertNull(brief.nextOrNull(300));
        }
        try (Paho5 lasting = Paho5.connect(broker, "outlives-the-restart", Paho5.options(false, 3600L))) {
            assertTrue(lasting.sessionPresent, "a session with time left is back");
        }
        // The 8 s session expires 8 s after its disconnect, not 8 s after the restart (which would be 11 s on).
        long deadline = disconnectedAt + TimeUnit.MILLISECONDS.toNanos(10_500);
        while (broker.server.engine().registry.get("keeps-its-deadline") != null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertNull(broker.server.engine().registry.get("keeps-its-deadline"),
                "the session's wall-clock deadline was not kept across the restart");
    }

    @Test
    void cleanSessionsAreGoneAfterARestart() throws Exception {
        Client clean311 = PahoClients.connect(broker, "clean-311", MQTT_VERSION_3_1_1, true);
        clean311.paho.subscribe("durable/clean", 1);
        Paho5 clean5 = Paho5.connect(broker, "clean-5", Paho5.options(true, 0L));
        clean5.paho.subscribe("durable/clean", 1);
        try (Client kept = PahoClients.connect(broker, "kept-311", MQTT_VERSION_3_1_1, false)) {
            kept.paho.subscribe("durable/kept", 1);
        }

        broker = broker.restart();
        clean311.close();
        clean5.close();

        assertEquals(1, broker.server.engine().registry.size(), "only the persistent session is back");
        publish("durable/clean", 0, 1);
        try (Client again = PahoClients.connect(broker, "clean-311", MQTT_VERSION_3_1_1, false)) {
            assertFalse(again.sessionPresent, "a clean session does not survive a restart");
            assertNull(again.nextOrNull(300), "its subscription did not survive either");
        }
        try (Paho5 again = Paho5.connect(broker, "clean-5", Paho5.options(false, 60L))) {
            assertFalse(again.sessionPresent);
        }
    }

    private void publish(String topic, int from, int count) throws Exception {
        try (Client pub = PahoClients.connect(broker, "durable-pub-" + from, MQTT_VERSION_3_1_1, true)) {
            for (int i = from; i < from + count; i++) {
                pub.publish(topic, "m" + i, 1);
            }
        }
    }
}
