package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.ternmq.server.RawMqtt.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

/** PLATFORM.md section 4 through Eclipse Paho mqttv5, the HiveMQ client and hand-made packets where bytes matter. */
class Mqtt5FeaturesIT extends SharedBrokerIT {


    @Test
    void requestResponseRoundTripKeepsEveryPropertyInOrder() throws Exception {
        try (Paho5 requester = Paho5.connect(broker, "requester");
             Paho5 responder = Paho5.connect(broker, "responder")) {
            requester.paho.subscribe("reply/requester", 1);
            responder.paho.subscribe("request/#", 1);

            MqttProperties request = new MqttProperties();
            request.setResponseTopic("reply/requester");
            request.setCorrelationData("corr-42".getBytes(StandardCharsets.UTF_8));
            request.setContentType("application/json");
            request.setPayloadFormat(true);
            List<UserProperty> users = List.of(new UserProperty("z", "1"), new UserProperty("a", "2"),
                    new UserProperty("z", "3"));
            request.setUserProperties(users);
            requester.publish("request/lamp", "{\"on\":true}", 1, request);

            Paho5.Received got = responder.next();
            assertNotNull(got, "request not delivered");
            MqttProperties p = got.message().getProperties();
            assertEquals("reply/requester", p.getResponseTopic());
            assertArrayEquals("corr-42".getBytes(StandardCharsets.UTF_8), p.getCorrelationData());
            assertEquals("application/json", p.getContentType());
            assertTrue(p.getPayloadFormat(), "Payload Format Indicator forwarded");
            assertEquals(users, p.getUserProperties(), "user properties unchanged and in order, duplicates kept");

            MqttProperties response = new MqttProperties();
            response.setCorrelationData(p.getCorrelationData());
            responder.publish(p.getResponseTopic(), "done", 1, response);
            Paho5.Received reply = requester.next();
            assertNotNull(reply, "response not delivered");
            assertEquals("done", reply.text());
            assertArrayEquals("corr-42".getBytes(StandardCharsets.UTF_8),
                    reply.message().getProperties().getCorrelationData());
        }
    }

    @Test
    void sessionExpiryEndsOrKeepsTheSession() throws Exception {
        try (Paho5 shortLived = Paho5.connect(broker, "expiry-2s", Paho5.options(false, 2L));
             Paho5 longLived = Paho5.connect(broker, "expiry-60s", Paho5.options(false, 60L))) {
            shortLived.paho.subscribe("expiry/t", 1);
            longLived.paho.subscribe("expiry/t", 1);
        }
        try (Paho5 pub = Paho5.connect(broker, "expiry-pub")) {
            pub.publish("expiry/t", "while away", 1, null);
        }
        // The 2 s session ends on its own timer (on a loaded machine perhaps late); the 60 s one must outlive it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (broker.server.engine().registry.get("expiry-2s") != null && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertNull(broker.server.engine().registry.get("expiry-2s"), "the 2 s session never expired");
        try (Paho5 shortLived = Paho5.connect(broker, "expiry-2s", Paho5.options(false, 2L))) {
            assertFalse(shortLived.sessionPresent, "a session with expiry 2 s is gone after 3 s offline");
            assertNull(shortLived.nextOrNull(300));
        }
        try (Paho5 longLived = Paho5.connect(broker, "expiry-60s", Paho5.options(false, 60L))) {
            assertTrue(longLived.sessionPresent);
            Paho5.Received r = longLived.next();
            assertNotNull(r, "queued QoS 1 message lost");
            assertEquals("while away", r.text());
        }
        assertTrue(broker.server.engine().metrics.sessionsExpired.sum() >= 1);
    }

    @Test
    void expiredQueuedMessagesAreDroppedAndTheRestForwardTheirRemainingTime() throws Exception {
        try (Paho5 sub = Paho5.connect(broker, "msg-expiry", Paho5.options(false, 300L))) {
            sub.paho.subscribe("msgexp/t", 1);
        }
        try (Paho5 pub = Paho5.connect(broker, "msg-expiry-pub")) {
            MqttProperties shortLived = new MqttProperties();
            shortLived.setMessageExpiryInterval(1L);
            pub.publish("msgexp/t", "expires", 1, shortLived);
            MqttProperties longLived = new MqttProperties();
            longLived.setMessageExpiryInterval(60L);
            pub.publish("msgexp/t", "lasts", 1, longLived);
        }
        Thread.sleep(2_000);
        try (Paho5 sub = Paho5.connect(broker, "msg-expiry", Paho5.options(false, 300L))) {
            Paho5.Received r = sub.next();
            assertNotNull(r);
            assertEquals("lasts", r.text(), "the expired message was delivered");
            long remaining = r.message().getProperties().getMessageExpiryInterval();
            assertTrue(remaining > 0 && remaining <= 59, "remaining expiry forwarded, not the original: " + remaining);
            assertNull(sub.nextOrNull(300));
        }
    }

    @Test
    void theBrokerNeverExceedsTheClientsReceiveMaximum() throws Exception {
        try (RawMqtt sub = new RawMqtt(broker.port);
             Paho5 pub = Paho5.connect(broker, "rm-pub")) {
            // CONNECT properties: Receive Maximum (0x21) = 2
            assertEquals(0x00, sub.connect5("rm-sub", new byte[] {0x21, 0x00, 0x02})[3]);
            sub.send(0x82, new byte[] {0x00, 0x01, 0x00, 0x00, 0x04, 'r', 'm', '/', 't', 0x01});
            assertEquals(9, sub.read(10_000).type(), "SUBACK");
            for (int i = 0; i < 5; i++) {
                pub.publish("rm/t", "m" + i, 1, null);
            }
            Packet first = sub.read(10_000);
            Packet second = sub.read(10_000);
            assertNotNull(first);
            assertNotNull(second);
            assertNull(sub.read(700), "a third QoS 1 PUBLISH while two are unacknowledged");
            sub.pubAck(first.packetIdAfterTopic());
            Packet third = sub.read(10_000);
            assertNotNull(third, "acknowledging one must release the next");
            assertNull(sub.read(500), "still at most two unacknowledged");
        }
    }

    @Test
    void aMessageLargerThanTheClientsMaximumPacketSizeIsNotSent() throws Exception {
        Hive sub = Hive.of(broker, "mps-sub");
        Hive pub = Hive.of(broker, "mps-pub");
        sub.client.connectWith().restrictions().maximumPacketSize(200).applyRestrictions().send();
        pub.client.connect();
        long before = broker.server.engine().metrics.droppedTooLargeForClient.sum();
        try (Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.client.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.client.subscribeWith().topicFilter("mps/t").qos(MqttQos.AT_LEAST_ONCE).send();
            pub.client.publishWith().topic("mps/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[50]).send();
            pub.client.publishWith().topic("mps/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[300]).send();
            pub.client.publishWith().topic("mps/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[60]).send();
            assertEquals(50, inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes().length);
            assertEquals(60, inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes().length,
                    "the 300-byte message must be skipped, not delivered");
            assertTrue(sub.client.getState().isConnected());
            assertEquals(before + 1, broker.server.engine().metrics.droppedTooLargeForClient.sum());
        } finally {
            sub.disconnectQuietly();
            pub.disconnectQuietly();
        }
    }

    @Test
    void topicAliasesWorkBothWays() throws Exception {
        try (Paho5 watcher = Paho5.connect(broker, "alias-watch");
             RawMqtt pub = new RawMqtt(broker.port);
             RawMqtt sub = new RawMqtt(broker.port)) {
            watcher.paho.subscribe("alias/#", 1);
            // Subscriber allows 2 broker-to-client aliases (Topic Alias Maximum 0x22 = 2).
            sub.connect5("alias-sub", new byte[] {0x22, 0x00, 0x02});
            sub.send(0x82, new byte[] {0x00, 0x01, 0x00, 0x00, 0x07, 'a', 'l', 'i', 'a', 's', '/', '#', 0x00});
            assertEquals(9, sub.read(10_000).type(), "SUBACK");

            pub.connect5("alias-pub");
            // Client to broker: QoS 0 PUBLISH "alias/one" with Topic Alias 1, then the alias alone.
            pub.send(0x30, concat(new byte[] {0x00, 0x09}, "alias/one".getBytes(), new byte[] {0x03, 0x23, 0x00, 0x01},
                    "first".getBytes()));
            pub.send(0x30, concat(new byte[] {0x00, 0x00, 0x03, 0x23, 0x00, 0x01}, "second".getBytes()));

            assertEquals("alias/one", watcher.next().topic());
            Paho5.Received second = watcher.next();
            assertNotNull(second, "PUBLISH by alias alone not delivered");
            assertEquals("alias/one", second.topic(), "the alias resolved to its topic");
            assertEquals("second", second.text());

            // Broker to client: the first PUBLISH names the topic and sets alias 1, the second uses the alias alone.
            Packet a = sub.read(10_000);
            Packet b = sub.read(10_000);
            assertEquals("alias/one", a.topic());
            assertTrue(containsAlias(a.body(), 1), "first delivery sets Topic Alias 1");
            assertEquals("", b.topic(), "second delivery sends the alias instead of the topic");
            assertTrue(containsAlias(b.body(), 1));
        }
    }

    @Test
    void mqtt311AndMqtt5ClientsInteroperate() throws Exception {
        try (PahoClients.Client v3 = PahoClients.connect(broker, "interop-v3",
                org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             Paho5 v5 = Paho5.connect(broker, "interop-v5")) {
            v3.paho.subscribe("interop/to3", 1);
            v5.paho.subscribe("interop/to5", 1);
            MqttProperties props = new MqttProperties();
            props.setUserProperties(List.of(new UserProperty("k", "v")));
            v5.publish("interop/to3", "from five", 1, props);
            v3.publish("interop/to5", "from three", 1);
            assertEquals("from five", v3.next().text(), "a 5.0 publisher reaches a 3.1.1 subscriber");
            Paho5.Received r = v5.next();
            assertNotNull(r);
            assertEquals("from three", r.text(), "a 3.1.1 publisher reaches a 5.0 subscriber");
            assertEquals(1, r.message().getQos());
        }
    }

    @Test
    void noLocalKeepsAClientsOwnMessagesFromIt() throws Exception {
        Hive self = Hive.of(broker, "nolocal-self");
        Hive other = Hive.of(broker, "nolocal-other");
        self.client.connect();
        other.client.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes selfInbox = self.client.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes otherInbox = other.client.publishes(MqttGlobalPublishFilter.ALL)) {
            self.client.subscribeWith().topicFilter("nolocal/t").noLocal(true).qos(MqttQos.AT_LEAST_ONCE).send();
            other.client.subscribeWith().topicFilter("nolocal/t").qos(MqttQos.AT_LEAST_ONCE).send();
            self.client.publishWith().topic("nolocal/t").qos(MqttQos.AT_LEAST_ONCE).payload("mine".getBytes()).send();
            assertEquals("mine", new String(otherInbox.receive(10, TimeUnit.SECONDS).orElseThrow()
                    .getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertEquals(Optional.empty(), selfInbox.receive(500, TimeUnit.MILLISECONDS),
                    "No Local: the publisher got its own message");
        } finally {
            self.disconnectQuietly();
            other.disconnectQuietly();
        }
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** True when a QoS 0 PUBLISH body's properties hold Topic Alias (0x23) with this value. */
    static boolean containsAlias(byte[] body, int alias) {
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        int propsLength = body[2 + topicLength] & 0x7F; // short property lists in these tests
        for (int i = 3 + topicLength; i < 3 + topicLength + propsLength; i++) {
            if (body[i] == 0x23 && i + 2 < body.length && (((body[i + 1] & 0xFF) << 8) | (body[i + 2] & 0xFF)) == alias) {
                return true;
            }
        }
        return false;
    }
}
