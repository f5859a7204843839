package io.ternmq.server;

import static io.ternmq.server.PahoClients.connect;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** Persistent sessions, clean sessions and takeover, through Paho. */
class SessionIT extends SharedBrokerIT {


    @Test
    void persistentSessionReceivesQos1MessagesPublishedWhileOffline() throws Exception {
        for (int version : new int[] {MQTT_VERSION_3_1, MQTT_VERSION_3_1_1}) {
            String id = "persistent-" + version;
            String topic = "offline/" + version;
            try (Client sub = connect(broker, id, version, false)) {
                sub.paho.subscribe(topic, 1);
                sub.paho.disconnect();
            }
            try (Client pub = connect(broker, "offline-pub-" + version, MQTT_VERSION_3_1_1, true)) {
                for (int i = 0; i < 5; i++) {
                    pub.publish(topic, "m" + i, 1);
                }
                pub.publish(topic, "qos0-not-kept", 0);
            }
            try (Client sub = connect(broker, id, version, false)) {
                if (version == MQTT_VERSION_3_1_1) {
                    assertTrue(sub.sessionPresent, "CONNACK session present");
                }
                for (int i = 0; i < 5; i++) {
                    Received r = sub.next();
                    assertNotNull(r, "message m" + i + " lost while offline");
                    assertEquals("m" + i, r.text());
                    assertEquals(1, r.message().getQos());
                }
                assertNull(sub.nextOrNull(300), "QoS 0 must not be queued for an offline session");
            }
        }
    }

    @Test
    void cleanSessionDiscardsThePersistentOne() throws Exception {
        try (Client sub = connect(broker, "clean-after-persistent", MQTT_VERSION_3_1_1, false)) {
            sub.paho.subscribe("discard/t", 1);
        }
        try (Client clean = connect(broker, "clean-after-persistent", MQTT_VERSION_3_1_1, true)) {
            assertFalse(clean.sessionPresent);
        }
        try (Client pub = connect(broker, "discard-pub", MQTT_VERSION_3_1_1, true)) {
            pub.publish("discard/t", "gone", 1);
        }
        try (Client again = connect(broker, "clean-after-persistent", MQTT_VERSION_3_1_1, false)) {
            assertFalse(again.sessionPresent, "the clean session ended the old one");
            assertNull(again.nextOrNull(300), "old subscription survived a clean session");
        }
    }

    @Test
    void sameClientIdTakesOverTheSession() throws Exception {
        try (Client first = connect(broker, "takeover", MQTT_VERSION_3_1_1, false);
             Client pub = connect(broker, "takeover-pub", MQTT_VERSION_3_1_1, true)) {
            first.paho.subscribe("takeover/t", 1);
            try (Client second = connect(broker, "takeover", MQTT_VERSION_3_1_1, false)) {
                assertNotNull(first.lost.poll(10, TimeUnit.SECONDS), "the first connection was not closed");
                assertTrue(second.sessionPresent, "the second connection resumed the session");
                pub.publish("takeover/t", "to-second", 1);
                Received r = second.next();
                assertNotNull(r, "subscription did not survive takeover");
                assertEquals("to-second", r.text());
                assertTrue(second.paho.isConnected());
            }
        }
    }

    @Test
    void emptyClientIdWithCleanSessionGetsOne() throws Exception {
        MqttClient paho = new MqttClient(broker.uri(), "", new MemoryPersistence());
        try (Client c = new Client(paho)) {
            paho.connect(PahoClients.options(MQTT_VERSION_3_1_1, true));
            assertTrue(paho.isConnected());
            paho.subscribe("empty-id/t", 1);
            paho.publish("empty-id/t", "self".getBytes(), 1, false);
            assertEquals("self", c.next().text());
        }
    }
}
