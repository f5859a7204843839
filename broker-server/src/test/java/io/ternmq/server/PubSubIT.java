package io.ternmq.server;

import static io.ternmq.server.PahoClients.connect;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Publish and subscribe through Eclipse Paho at MQTT 3.1 and 3.1.1, against a broker started as the jar starts. */
class PubSubIT extends SharedBrokerIT {


    @ParameterizedTest(name = "publisher MQTT {0}, subscriber MQTT {1}, QoS {2}")
    @CsvSource({
        "3, 3, 0", "3, 3, 1", "3, 4, 0", "3, 4, 1", "4, 3, 0", "4, 3, 1", "4, 4, 0", "4, 4, 1"})
    void messagesCrossVersionsAtEachQos(int pubVersion, int subVersion, int qos) throws Exception {
        String topic = "pubsub/" + pubVersion + subVersion + qos;
        try (Client sub = connect(broker, "sub-" + topic.replace('/', '-'), subVersion, true);
             Client pub = connect(broker, "pub-" + topic.replace('/', '-'), pubVersion, true)) {
            sub.paho.subscribe(topic, qos);
            pub.publish(topic, "hello " + qos, qos);
            Received r = sub.next();
            assertNotNull(r, "message did not arrive");
            assertEquals(topic, r.topic());
            assertEquals("hello " + qos, r.text());
            assertEquals(qos, r.message().getQos(), "delivered QoS is the publisher's");
            assertEquals(false, r.message().isRetained());
        }
    }

    @Test
    void wildcardFiltersRouteToTheRightSubscribers() throws Exception {
        try (Client plus = connect(broker, "wild-plus", MQTT_VERSION_3_1_1, true);
             Client hash = connect(broker, "wild-hash", MQTT_VERSION_3_1, true);
             Client exact = connect(broker, "wild-exact", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "wild-pub", MQTT_VERSION_3_1_1, true)) {
            plus.paho.subscribe("site/+/temp", 1);
            hash.paho.subscribe("site/#", 1);
            exact.paho.subscribe("site/a/temp", 1);

            pub.publish("site/a/temp", "1", 1);
            pub.publish("site/b/temp", "2", 1);
            pub.publish("site/b/humidity", "3", 1);
            pub.publish("site", "4", 1);
            pub.publish("other/a/temp", "5", 1);

            assertEquals(List.of("site/a/temp=1", "site/b/temp=2"), drain(plus, 2));
            assertEquals(List.of("site/a/temp=1", "site/b/temp=2", "site/b/humidity=3", "site=4"), drain(hash, 4));
            assertEquals(List.of("site/a/temp=1"), drain(exact, 1));
            assertNull(plus.nextOrNull(300), "'+' matched more than one level");
            assertNull(exact.nextOrNull(100), "exact filter matched another topic");
        }
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() throws Exception {
        try (Client hash = connect(broker, "dollar-hash", MQTT_VERSION_3_1_1, true);
             Client sys = connect(broker, "dollar-sys", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "dollar-pub", MQTT_VERSION_3_1_1, true)) {
            hash.paho.subscribe("#", 1);
            sys.paho.subscribe("$SYS/+", 1);
            pub.publish("$SYS/x", "sys", 1);
            pub.publish("plain", "plain", 1);
            assertEquals(List.of("$SYS/x=sys"), drain(sys, 1));
            Received first = hash.next();
            assertNotNull(first);
            assertEquals("plain", first.topic(), "'#' must not match a $ topic");
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        try (Client sub = connect(broker, "unsub-sub", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "unsub-pub", MQTT_VERSION_3_1_1, true)) {
            sub.paho.subscribe("unsub/t", 1);
            pub.publish("unsub/t", "before", 1);
            assertEquals("before", sub.next().text());
            sub.paho.unsubscribe("unsub/t");
            pub.publish("unsub/t", "after", 1);
            assertNull(sub.nextOrNull(500), "delivered after UNSUBACK");
        }
    }

    static List<String> drain(Client client, int count) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Received r = client.next();
            if (r == null) {
                break;
            }
            got.add(r.topic() + "=" + r.text());
        }
        return got;
    }
}
