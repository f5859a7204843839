package io.ternmq.server;

import static io.ternmq.server.PahoClients.connect;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PLATFORM.md section 3 for MQTT 3.1 and 3.1.1 clients, as a Paho device experiences it. */
class PlatformRulesIT extends SharedBrokerIT {


    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {MQTT_VERSION_3_1, MQTT_VERSION_3_1_1})
    void qos2PublishClosesTheConnection(int version) throws Exception {
        try (Client c = connect(broker, "qos2-pub-" + version, version, true)) {
            assertThrows(MqttException.class, () -> c.publish("rules/qos2", "x", 2));
            assertNotNull(c.lost.poll(10, TimeUnit.SECONDS), "connection not closed after a QoS 2 PUBLISH");
            assertFalse(c.paho.isConnected());
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {MQTT_VERSION_3_1, MQTT_VERSION_3_1_1})
    void retainedPublishClosesTheConnection(int version) throws Exception {
        try (Client sub = connect(broker, "retain-sub-" + version, version, true);
             Client c = connect(broker, "retain-pub-" + version, version, true)) {
            sub.paho.subscribe("rules/retain/" + version, 1);
            assertThrows(MqttException.class,
                    () -> c.paho.publish("rules/retain/" + version, "r".getBytes(), 1, true));
            assertNotNull(c.lost.poll(10, TimeUnit.SECONDS), "connection not closed after a retained PUBLISH");
            assertNull(sub.nextOrNull(300), "a refused retained message was delivered");
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {MQTT_VERSION_3_1, MQTT_VERSION_3_1_1})
    void willIsRefusedWithReturnCode5(int version) {
        MqttConnectOptions options = PahoClients.options(version, true);
        options.setWill("rules/will", "bye".getBytes(), 1, false);
        MqttException e = assertThrows(MqttException.class, () -> connect(broker, "will-" + version, options));
        assertEquals(5, e.getReasonCode(), "CONNACK return code");
    }

    @Test
    void qos2SubscriptionIsGrantedQos1() throws Exception {
        try (Client c = connect(broker, "sub-qos2", MQTT_VERSION_3_1_1, true)) {
            IMqttToken token = c.paho.subscribeWithResponse(new String[] {"rules/a", "rules/b", "rules/c"},
                    new int[] {2, 0, 1});
            assertArrayEquals(new int[] {1, 1, 1}, token.getGrantedQos(), "SUBACK grants 1 for every filter");
        }
    }

    @Test
    void qos0SubscriptionReceivesAQos1PublishAtQos1() throws Exception {
        try (Client sub = connect(broker, "q0-sub", MQTT_VERSION_3_1, true);
             Client pub = connect(broker, "q0-pub", MQTT_VERSION_3_1_1, true)) {
            sub.paho.subscribe("rules/q0", 0);
            pub.publish("rules/q0", "one", 1);
            Received r = sub.next();
            assertNotNull(r);
            assertEquals(1, r.message().getQos(), "the publisher's QoS is delivered");
        }
    }

    @Test
    void topicOverTheLengthLimitIsNotDeliveredAndTheConnectionStays() throws Exception {
        String longTopic = "rules/" + "x".repeat(200);
        try (Client sub = connect(broker, "long-sub", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "long-pub", MQTT_VERSION_3_1_1, true)) {
            sub.paho.subscribe("rules/#", 1);
            pub.publish(longTopic, "too long", 1); // acknowledged: 3.x has no negative PUBACK
            pub.publish("rules/ok", "fine", 1);
            Received r = sub.next();
            assertNotNull(r);
            assertEquals("rules/ok", r.topic(), "the over-long topic was delivered");
            assertTrue(pub.paho.isConnected());
        }
    }

    @Test
    void payloadOverTheLimitIsNotDelivered() throws Exception {
        try (Client sub = connect(broker, "big-sub", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "big-pub", MQTT_VERSION_3_1_1, true)) {
            sub.paho.subscribe("rules/big", 1);
            pub.paho.publish("rules/big", new byte[256 * 1024 + 1], 1, false);
            pub.paho.publish("rules/big", new byte[256 * 1024], 1, false);
            Received r = sub.next();
            assertNotNull(r);
            assertEquals(256 * 1024, r.message().getPayload().length, "only the payload within the limit arrives");
            assertNull(sub.nextOrNull(300));
            assertTrue(pub.paho.isConnected());
        }
    }

    @Test
    void relaxedRulesBehaveAsConfigured() throws Exception {
        try (TestBroker relaxed = TestBroker.start(Map.of(
                "TERNMQ_PLATFORM_WILL_MESSAGES", "ignore",
                "TERNMQ_PLATFORM_RETAINED_MESSAGES", "ignore",
                "TERNMQ_PLATFORM_DELIVERY_QOS", "standard"))) {
            MqttConnectOptions withWill = PahoClients.options(MQTT_VERSION_3_1_1, true);
            withWill.setWill("relaxed/will", "bye".getBytes(), 1, false);
            try (Client sub = connect(relaxed, "relaxed-sub", withWill);
                 Client pub = connect(relaxed, "relaxed-pub", MQTT_VERSION_3_1_1, true)) {
                IMqttToken token = sub.paho.subscribeWithResponse(new String[] {"relaxed/q0", "relaxed/q1"},
                        new int[] {0, 2});
                assertArrayEquals(new int[] {0, 1}, token.getGrantedQos(), "standard: min(requested, 1)");
                pub.paho.publish("relaxed/q0", "r".getBytes(), 1, true);
                Received r = sub.next();
                assertNotNull(r, "retained publish not delivered with retained-messages: ignore");
                assertFalse(r.message().isRetained(), "RETAIN is cleared");
                assertEquals(0, r.message().getQos(), "standard: min(publisher, subscription)");
                assertTrue(pub.paho.isConnected());
            }
        }
    }
}
