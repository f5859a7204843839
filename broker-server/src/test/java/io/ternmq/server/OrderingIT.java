package io.ternmq.server;

import static io.ternmq.server.PahoClients.connect;
import static org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.ternmq.server.PahoClients.Client;
import io.ternmq.server.PahoClients.Received;
import org.junit.jupiter.api.Test;

/** 10,000 QoS 1 messages between two Paho clients: none lost, none out of order, none duplicated. */
class OrderingIT {

    private static final int COUNT = 10_000;

    @Test
    void tenThousandMessagesArriveCompleteAndInOrder() throws Exception {
        // A queue that can hold the whole run: with the default of 1000 a subscriber that a loaded machine leaves
        // 1000 messages behind would lose the oldest by design (BackPressureIT proves that part).
        try (TestBroker broker = TestBroker.start(java.util.Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES",
                Integer.toString(COUNT)));
             Client sub = connect(broker, "order-sub", MQTT_VERSION_3_1_1, true);
             Client pub = connect(broker, "order-pub", MQTT_VERSION_3_1_1, true)) {
            sub.paho.subscribe("order/t", 1);
            Thread publisher = new Thread(() -> {
                try {
                    for (int i = 0; i < COUNT; i++) {
                        pub.publish("order/t", Integer.toString(i), 1);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            publisher.start();
            for (int i = 0; i < COUNT; i++) {
                Received r = sub.next();
                assertNotNull(r, "message " + i + " never arrived");
                assertEquals(Integer.toString(i), r.text(), "out of order or lost at " + i);
            }
            publisher.join();
            assertEquals(null, sub.nextOrNull(300), "a message arrived twice");
            assertEquals(0L, broker.server.engine().metrics.droppedQueueFull.sum());
        }
    }
}
