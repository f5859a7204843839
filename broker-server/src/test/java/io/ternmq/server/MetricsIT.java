package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} after known traffic: the exact counts, read with a Prometheus text-format parser. A fresh
 * broker, so every counter starts at 0.
 */
class MetricsIT {

    @Test
    void theScrapeCountsExactlyTheTrafficSent() throws Exception {
        // A queue of one message: the second message for an offline session drops the first.
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_QUEUED_MESSAGES", "1"))) {
            try (Paho5 offline = Paho5.connect(broker, "metrics-offline", Paho5.options(true, 3600L))) {
                offline.paho.subscribe("metrics/queue/#", 1);
                offline.paho.disconnect();
            }
            try (Paho5 sub = Paho5.connect(broker, "metrics-sub");
                 Paho5 pub = Paho5.connect(broker, "metrics-pub")) {
                sub.paho.subscribe("metrics/live/#", 1);
                for (int i = 0; i < 5; i++) {
                    pub.publish("metrics/live/q1", "m" + i, 1, null);
                }
                for (int i = 0; i < 3; i++) {
                    pub.publish("metrics/live/q0", "m" + i, 0, null);
                }
                for (int i = 0; i < 8; i++) {
                    assertNotNull(sub.next(), "message " + i + " of 8 did not arrive");
                }
                pub.publish("metrics/queue/a", "first", 1, null);
                pub.publish("metrics/queue/a", "second", 1, null); // the queue holds one: "first" is dropped
                // One rule refusal: a topic over limits.max-topic-length (128) is not delivered (PUBACK 0x90).
                try {
                    MqttMessage tooLong = new MqttMessage("x".getBytes());
                    tooLong.setQos(1);
                    pub.paho.publish("metrics/" + "t".repeat(130), tooLong);
                } catch (MqttException e) {
                    assertEquals(0x90, e.getReasonCode(), e.toString());
                }

                PrometheusText scrape = PrometheusText.parse(broker.api().withToken(null).get("/metrics").text());
                assertEquals(3, scrape.value("ternmq_connections_accepted_total"));
                assertEquals(2, scrape.value("ternmq_connections", "protocol", "5.0", "transport", "tcp"));
                assertEquals(0, scrape.value("ternmq_connections", "protocol", "5.0", "transport", "quic"));
                assertEquals(8, scrape.value("ternmq_messages_received_total", "qos", "1"), "5 + 2 + 1 refused");
                assertEquals(3, scrape.value("ternmq_messages_received_total", "qos", "0"));
                assertEquals(5, scrape.value("ternmq_messages_sent_total", "qos", "1"));
                assertEquals(3, scrape.value("ternmq_messages_sent_total", "qos", "0"));
                assertEquals(1, scrape.value("ternmq_messages_dropped_total", "reason", "queue-full"));
                assertEquals(1, scrape.value("ternmq_messages_dropped_total", "reason", "platform-rule"));
                assertEquals(0, scrape.value("ternmq_messages_dropped_total", "reason", "owner-busy"));
                assertEquals(1, scrape.value("ternmq_rule_refusals_total", "rule", "topic-length"));
                assertEquals(0, scrape.value("ternmq_rule_refusals_total", "rule", "qos"));
                assertEquals(0, scrape.value("ternmq_authentication_failures_total"));
                assertEquals(2, scrape.value("ternmq_sessions", "state", "online"));
                assertEquals(1, scrape.value("ternmq_sessions", "state", "offline"));
                assertEquals(2, scrape.value("ternmq_subscriptions"), "metrics/queue/# and metrics/live/#");
                assertEquals(8, scrape.value("ternmq_puback_latency_seconds_count"), "one per QoS 1 PUBACK");
                assertTrue(scrape.value("ternmq_network_received_bytes_total") > 0);
                assertTrue(scrape.value("ternmq_network_sent_bytes_total") > 0);
                assertTrue(scrape.value("ternmq_store_sync_seconds_count") > 0, "the persistent session's writes");
                assertEquals("counter", scrape.types.get("ternmq_messages_received_total"));
                assertEquals(0, scrape.value("ternmq_quic_handshakes_total", "result", "ok"), "no QUIC client here");
                assertEquals(0, scrape.value("ternmq_quic_migrations_total"));
                assertEquals(0, scrape.value("ternmq_quic_refused_total", "what", "stream"));
                assertEquals(0, scrape.value("ternmq_quic_early_data_total", "what", "connect"));
                assertEquals(0, scrape.value("ternmq_tls_handshakes_total", "result", "ok"), "nor a TLS one");
                assertTrue(scrape.has("ternmq_jvm_memory_used_bytes"), "JVM meters");
                assertTrue(scrape.has("ternmq_netty_eventexecutor_tasks_pending"), "Netty meters");
                for (PrometheusText.Sample s : scrape.samples) {
                    assertTrue(s.name().startsWith("ternmq_"), s.name());
                    if ("counter".equals(scrape.types.get(s.name()))) {
                        assertTrue(s.name().endsWith("_total"), s.name());
                    }
                }
            }
        }
    }
}
