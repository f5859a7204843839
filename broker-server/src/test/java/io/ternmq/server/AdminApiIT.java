package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The admin API end to end, through the JDK's HTTP client against a broker started the jar's way, with real
 * MQTT clients (Paho over TCP, the QUIC test client). Every answer is also checked against docs/openapi.yaml.
 */
class AdminApiIT {

    private static TestBroker broker;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        api = broker.api();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Test
    void everyDocumentedOperationIsServedAndEveryServedOneIsDocumented() {
        assertEquals(new HashSet<>(OpenApiContract.get().operations()), new HashSet<>(broker.server.apiRoutes()));
    }

    @Test
    void healthIsUpWithoutATokenAndTheApiNeedsOne() throws Exception {
        ApiClient anonymous = api.withToken(null);
        ApiClient.Reply health = anonymous.get("/health");
        assertEquals(200, health.status());
        assertEquals("up", health.json().get("status").stringValue());

        ApiClient.Reply missing = anonymous.get("/api/v1/clients");
        assertEquals(401, missing.status());
        assertEquals("unauthorized", missing.json().get("code").stringValue());
        assertEquals("Bearer", missing.header("www-authenticate"));
        ApiClient.Reply wrong = api.withToken("not-the-token-at-all").get("/api/v1/stats");
        assertEquals(401, wrong.status());
        assertEquals(200, api.get("/api/v1/stats").status());
        assertEquals(200, anonymous.get("/metrics").status(), "/metrics is open unless api.metrics-auth");
    }

    @Test
    void healthIs503WhileTheBrokerDrains() throws Exception {
        broker.server.adminApi().state(io.ternmq.server.api.AdminApi.State.DRAINING);
        try {
            ApiClient.Reply draining = api.withToken(null).get("/health");
            assertEquals(503, draining.status());
            assertEquals("draining", draining.json().get("status").stringValue());
        } finally {
            broker.server.adminApi().state(io.ternmq.server.api.AdminApi.State.READY);
        }
        assertEquals(200, api.get("/health").status());
    }

    @Test
    void anAddressThatKeepsFailingIsSlowedDown() throws Exception {
        ApiClient wrong = api.withToken("wrong-token-" + System.nanoTime());
        for (int i = 0; i < FailedLoginsLimit.FREE; i++) {
            assertEquals(401, wrong.get("/api/v1/clients").status());
        }
        long start = System.nanoTime();
        assertEquals(401, wrong.get("/api/v1/clients").status()); // the 6th: 100 ms
        assertEquals(401, wrong.get("/api/v1/clients").status()); // the 7th: 200 ms
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 300, "two failures past the free ones took only " + tookMillis + " ms");
        assertEquals(200, api.get("/api/v1/clients").status(), "the right token is not slowed down");
    }

    @Test
    void errorsAreJsonNamingWhatIsWrong() throws Exception {
        ApiClient.Reply notFound = api.get("/api/v1/nothing-here");
        assertEquals(404, notFound.status());
        assertEquals("not-found", notFound.json().get("code").stringValue());

        ApiClient.Reply wrongMethod = api.send("PATCH", "/api/v1/clients", null);
        assertEquals(405, wrongMethod.status());
        assertEquals("GET", wrongMethod.header("allow"));

        ApiClient.Reply malformed = api.post("/api/v1/publish", "{\"topic\": ");
        assertEquals(400, malformed.status());
        assertEquals("body", malformed.json().get("field").stringValue());

        ApiClient.Reply missingTopic = api.post("/api/v1/publish", "{\"payload\": \"x\"}");
        assertEquals(400, missingTopic.status());
        assertEquals("topic", missingTopic.json().get("field").stringValue());
        assertEquals("topic: required", missingTopic.json().get("message").stringValue());

        ApiClient.Reply wrongType = api.post("/api/v1/publish", "{\"topic\": \"t\", \"qos\": \"one\"}");
        assertEquals("qos", wrongType.json().get("field").stringValue());
        ApiClient.Reply unknownField = api.post("/api/v1/publish", "{\"topic\": \"t\", \"retained\": true}");
        assertEquals("retained", unknownField.json().get("field").stringValue());
        ApiClient.Reply badLimit = api.get("/api/v1/clients?limit=5000");
        assertEquals(400, badLimit.status());
        assertEquals("limit", badLimit.json().get("field").stringValue());
        ApiClient.Reply typo = api.get("/api/v1/sessions?conected=true");
        assertEquals("conected", typo.json().get("field").stringValue());
        ApiClient.Reply batchItem = api.post("/api/v1/publish/batch",
                "[{\"topic\": \"a\"}, {\"topic\": \"b\", \"qos\": 7}]");
        assertEquals(400, batchItem.status());
        assertEquals("[1].qos", batchItem.json().get("field").stringValue());

        ApiClient.Reply tooLarge = api.post("/api/v1/publish", "{\"topic\": \"t\", \"payload\": \""
                + "x".repeat(70_000) + "\"}");
        assertEquals(413, tooLarge.status());
        assertEquals("body-too-large", tooLarge.json().get("code").stringValue());
        assertEquals(200, api.get("/health").status(), "the connection pool still works after those");
        for (ApiClient.Reply r : List.of(notFound, wrongMethod, malformed, missingTopic, tooLarge)) {
            assertFalse(r.text().contains("Exception") || r.text().contains("\tat "), r.text());
        }
    }

    @Test
    void a413ReachesAClientThatKeepsSendingItsBody() throws Exception {
        // The client sends its headers and the start of its body, the broker refuses it, and the client sends the
        // rest before reading. A close with those bytes unread would answer them with a reset that can take the
        // 413 with it; the broker reads and drops them instead, so the answer arrives whole.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", broker.httpPort), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 300000\r\n\r\n" + "x".repeat(8192)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] first = new byte[12];
            assertEquals(12, in.readNBytes(first, 0, 12), "the answer begins while the body is still coming");
            assertEquals("HTTP/1.1 413", new String(first, StandardCharsets.US_ASCII));
            Thread.sleep(300);
            out.write("x".repeat(291_808).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(rest.contains("\"code\":\"body-too-large\"") && rest.endsWith("}"), rest);
        }
        assertEquals(200, api.get("/health").status());
    }

    @Test
    void aRawGarbageRequestGets400AndTheBrokerStaysUp() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", broker.httpPort), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: x\r\n" + "X: " + "y".repeat(9000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        // A malformed escape no HTTP client library would send: 400 too, and no stack trace.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", broker.httpPort), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /api/v1/clients/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("\"code\":\"bad-request\""), answer);
            assertFalse(answer.contains("Exception"), answer);
        }
        assertEquals(200, api.get("/health").status());
    }

    @Test
    void clientsOverTcpAndQuicAreListedWithTheirTransportAndVersion() throws Exception {
        try (PahoClients.Client tcp = PahoClients.connect(broker, "api-tcp-311",
                org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             QuicMqttClient.Context context = new QuicMqttClient.Context(broker.certificate());
             QuicMqttClient quic = QuicMqttClient.connect(context, broker.quicAddress(),
                     QuicMqttClient.connectMessage("api-quic-5", MqttVersion.MQTT_5))) {
            tcp.paho.subscribe("api/listed/#", 1);
            ApiClient.Reply list = api.get("/api/v1/clients?clientId=api-");
            assertEquals(200, list.status());
            Map<String, JsonNode> byId = byClientId(list.json().get("data"));
            assertEquals("tcp", byId.get("api-tcp-311").get("transport").stringValue());
            assertEquals("3.1.1", byId.get("api-tcp-311").get("protocolVersion").stringValue());
            assertEquals("quic", byId.get("api-quic-5").get("transport").stringValue());
            assertEquals("5.0", byId.get("api-quic-5").get("protocolVersion").stringValue());
            assertEquals(0, byId.get("api-tcp-311").get("queued").intValue(), "the list carries the queues");
            assertEquals(0, byId.get("api-tcp-311").get("inflight").intValue());

            PrometheusText scrape = PrometheusText.parse(api.get("/metrics").text());
            assertEquals(1, scrape.value("ternmq_connections", "protocol", "5.0", "transport", "quic"));
            assertTrue(scrape.value("ternmq_quic_handshakes_total", "result", "ok") >= 1);
            assertTrue(scrape.value("ternmq_connections", "protocol", "3.1.1", "transport", "tcp") >= 1);

            ApiClient.Reply onlyQuic = api.get("/api/v1/clients?transport=quic&clientId=api-");
            assertEquals(Set.of("api-quic-5"), byClientId(onlyQuic.json().get("data")).keySet());
            ApiClient.Reply only311 = api.get("/api/v1/clients?protocolVersion=3.1.1&clientId=api-");
            assertEquals(Set.of("api-tcp-311"), byClientId(only311.json().get("data")).keySet());

            ApiClient.Reply detail = api.get("/api/v1/clients/api-tcp-311");
            assertEquals(200, detail.status());
            assertEquals("api/listed/#", detail.json().get("subscriptions").get(0).get("topicFilter").stringValue());
            assertTrue(detail.json().get("address").stringValue().startsWith("127.0.0.1:"));
            assertEquals(0, detail.json().get("queued").intValue());

            ApiClient.Reply subs = api.get("/api/v1/subscriptions?clientId=api-tcp-311");
            assertEquals(1, subs.json().get("meta").get("count").intValue());
            ApiClient.Reply topics = api.get("/api/v1/topics?match=api/listed/x");
            assertEquals(1, topics.json().get("sessions").intValue());
            assertEquals("api-tcp-311", topics.json().get("subscriptions").get(0).get("clientId").stringValue());
            assertEquals("api/listed/#", topics.json().get("subscriptions").get(0).get("topicFilter").stringValue());
            assertEquals(400, api.get("/api/v1/topics?match=api/%23").status(), "a filter is no topic name");
        }
        // Paho returns once its DISCONNECT is sent; the broker detaches the session on its owner right after.
        int status = 0;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); System.nanoTime() < deadline; ) {
            status = api.get("/api/v1/clients/api-tcp-311").status();
            if (status == 404) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(404, status, "gone once disconnected");
    }

    @Test
    void kickingAnMqtt5ClientClosesItWith0x98AndKeepsItsPersistentSession() throws Exception {
        try (Paho5 client = Paho5.connect(broker, "api-kick-5", Paho5.options(true, 3600L))) {
            client.paho.subscribe("api/kick/#", 1);
            ApiClient.Reply kicked = api.delete("/api/v1/clients/api-kick-5");
            assertEquals(200, kicked.status());
            assertFalse(kicked.json().get("sessionDiscarded").booleanValue());
            Integer reason = client.disconnects.poll(10, TimeUnit.SECONDS);
            assertEquals(0x98, reason, "DISCONNECT Administrative action");
        }
        ApiClient.Reply offline = api.get("/api/v1/sessions?clientId=api-kick-5&connected=false");
        assertEquals(1, offline.json().get("meta").get("count").intValue());
        JsonNode session = offline.json().get("data").get(0);
        assertFalse(session.get("connected").booleanValue());
        assertTrue(session.get("persistent").booleanValue());
        assertEquals(1, session.get("subscriptions").intValue());

        // A message to it while offline is queued for it; ending the session drops the lot.
        assertEquals(1, api.post("/api/v1/publish", "{\"topic\": \"api/kick/x\", \"payload\": \"q\", \"qos\": 1}")
                .json().get("reached").intValue());
        assertEquals(1, api.get("/api/v1/sessions/api-kick-5").json().get("queued").intValue());
        ApiClient.Reply ended = api.delete("/api/v1/sessions/api-kick-5");
        assertEquals(200, ended.status());
        assertEquals(404, api.get("/api/v1/sessions/api-kick-5").status());
        try (Paho5 back = Paho5.connect(broker, "api-kick-5", Paho5.options(false, 3600L))) {
            assertFalse(back.sessionPresent, "the ended session is gone");
            assertNull(back.nextOrNull(500));
        }
        assertEquals(404, api.delete("/api/v1/clients/nobody-here").status());
    }

    @Test
    void aClientIdWithASlashOrAPlusIsAddressedPercentEncoded() throws Exception {
        try (Paho5 client = Paho5.connect(broker, "dev/1+x")) {
            ApiClient.Reply encoded = api.get("/api/v1/clients/dev%2F1%2Bx");
            assertEquals(200, encoded.status());
            assertEquals("dev/1+x", encoded.json().get("clientId").stringValue());
            assertEquals("dev/1+x", api.get("/api/v1/clients/dev%2F1+x").json().get("clientId").stringValue(),
                    "a '+' in a path is a plus");
            assertEquals(404, api.get("/api/v1/clients/dev%2F1%20x").status(), "not another client's");
        }
    }

    @Test
    void kickWithSessionDiscardEndsThePersistentSession() throws Exception {
        try (Paho5 client = Paho5.connect(broker, "api-discard", Paho5.options(true, 3600L))) {
            ApiClient.Reply kicked = api.delete("/api/v1/clients/api-discard?session=discard");
            assertTrue(kicked.json().get("sessionDiscarded").booleanValue());
            assertEquals(0x98, client.disconnects.poll(10, TimeUnit.SECONDS));
        }
        assertEquals(404, api.get("/api/v1/sessions/api-discard").status());
        assertEquals(400, api.delete("/api/v1/clients/x?session=forget").status());
    }

    @Test
    void publishReachesSubscribersWithItsPropertiesAndFollowsThePlatformRules() throws Exception {
        try (Paho5 sub = Paho5.connect(broker, "api-pub-sub")) {
            sub.paho.subscribe("api/pub/#", 1);
            ApiClient.Reply published = api.post("/api/v1/publish", """
                    {"topic": "api/pub/a", "payload": "hello", "qos": 1,
                     "userProperties": [["b", "2"], ["a", "1"], ["b", "3"]],
                     "responseTopic": "api/reply", "correlationDataBase64": "AQID", "contentType": "text/plain"}""");
            assertEquals(200, published.status());
            assertEquals(1, published.json().get("reached").intValue());
            Paho5.Received got = sub.next();
            assertNotNull(got);
            assertEquals("hello", got.text());
            assertEquals(1, got.message().getQos());
            MqttProperties p = got.message().getProperties();
            List<String> props = new ArrayList<>();
            for (UserProperty u : p.getUserProperties()) {
                props.add(u.getKey() + "=" + u.getValue());
            }
            assertEquals(List.of("b=2", "a=1", "b=3"), props, "user properties in order");
            assertEquals("api/reply", p.getResponseTopic());
            assertEquals("text/plain", p.getContentType());
            assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), List.of(p.getCorrelationData()[0],
                    p.getCorrelationData()[1], p.getCorrelationData()[2]));

            ApiClient.Reply binary = api.post("/api/v1/publish", "{\"topic\": \"api/pub/b\", \"payloadBase64\": \"AP8=\"}");
            assertEquals(1, binary.json().get("reached").intValue());
            assertEquals(List.of((byte) 0, (byte) -1), toList(sub.next().message().getPayload()));

            ApiClient.Reply batch = api.post("/api/v1/publish/batch",
                    "[{\"topic\": \"api/pub/c\", \"payload\": \"1\"}, {\"topic\": \"nobody/listens\"}]");
            assertEquals(1, batch.json().get("results").get(0).get("reached").intValue());
            assertEquals(0, batch.json().get("results").get(1).get("reached").intValue());
            assertEquals("1", sub.next().text());

            ApiClient.Reply qos2 = api.post("/api/v1/publish", "{\"topic\": \"api/pub/x\", \"qos\": 2}");
            assertEquals(400, qos2.status());
            assertEquals("qos", qos2.json().get("rule").stringValue());
            assertEquals("qos", qos2.json().get("field").stringValue());
            ApiClient.Reply retained = api.post("/api/v1/publish", "{\"topic\": \"api/pub/x\", \"retain\": true}");
            assertEquals(400, retained.status());
            assertEquals("retain", retained.json().get("rule").stringValue());
            StringBuilder many = new StringBuilder("[");
            for (int i = 0; i < 21; i++) {
                many.append(i == 0 ? "" : ",").append("[\"k").append(i).append("\", \"v\"]");
            }
            ApiClient.Reply tooMany = api.post("/api/v1/publish", "{\"topic\": \"api/pub/x\", \"userProperties\": "
                    + many + "]}");
            assertEquals("user-properties", tooMany.json().get("rule").stringValue());
            ApiClient.Reply wildcard = api.post("/api/v1/publish", "{\"topic\": \"api/pub/+\"}");
            assertEquals("topic-name", wildcard.json().get("rule").stringValue());
            assertNull(sub.nextOrNull(300), "nothing refused was delivered");
        }
    }

    @Test
    void theTraceShowsATracedClientsUserPropertiesAndNothingOfAnUntracedOne() throws Exception {
        ApiClient.Reply on = api.put("/api/v1/trace", "{\"clientId\": \"api-traced\", \"enabled\": true}");
        assertEquals(200, on.status());
        assertTrue(listOf(on.json().get("clientIds")).contains("api-traced"));
        try (Paho5 traced = Paho5.connect(broker, "api-traced");
             Paho5 untraced = Paho5.connect(broker, "api-untraced")) {
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("device", "lamp-7"), new UserProperty("fw", "1.2")));
            p.setContentType("application/json");
            traced.publish("api/trace/t", "{}", 1, p);
            untraced.publish("api/trace/u", "{}", 1, p);
        }
        ApiClient.Reply events = api.get("/api/v1/trace?clientId=api-traced");
        List<JsonNode> publishes = new ArrayList<>();
        events.json().get("data").forEach(e -> {
            if (e.get("kind").stringValue().equals("PUBLISH")) {
                publishes.add(e);
            }
        });
        assertEquals(1, publishes.size(), events.json().toString());
        JsonNode e = publishes.get(0);
        assertEquals("api/trace/t", e.get("topic").stringValue());
        assertEquals("[[\"device\",\"lamp-7\"],[\"fw\",\"1.2\"]]", e.get("userProperties").toString());
        assertEquals("application/json", e.get("contentType").stringValue());
        assertEquals(0, api.get("/api/v1/trace?clientId=api-untraced").json().get("data").size());
        ApiClient.Reply byTopic = api.get("/api/v1/trace?topic=api/trace/%23&limit=10");
        assertEquals(1, byTopic.json().get("data").size(), byTopic.json().toString());
        assertEquals("api-traced", byTopic.json().get("data").get(0).get("clientId").stringValue());

        // A topic filter traced at run time: any client's PUBLISH to it, and nothing else of that client.
        ApiClient.Reply topicOn = api.put("/api/v1/trace", "{\"topic\": \"api/watched/#\", \"enabled\": true}");
        assertEquals(List.of("api/watched/#"), listOf(topicOn.json().get("topicFilters")));
        try (Paho5 anyone = Paho5.connect(broker, "api-anyone")) {
            anyone.publish("api/watched/x", "1", 1, null);
            anyone.publish("api/unwatched/x", "2", 1, null);
        }
        ApiClient.Reply watched = api.get("/api/v1/trace?clientId=api-anyone");
        assertEquals(1, watched.json().get("data").size(), watched.json().toString());
        assertEquals("api/watched/x", watched.json().get("data").get(0).get("topic").stringValue());
        api.put("/api/v1/trace", "{\"topic\": \"api/watched/#\", \"enabled\": false}");
        assertEquals(400, api.get("/api/v1/trace?since=yesterday").status());

        ApiClient.Reply off = api.put("/api/v1/trace", "{\"clientId\": \"api-traced\", \"enabled\": false}");
        assertFalse(listOf(off.json().get("clientIds")).contains("api-traced"));
        assertEquals("clientId", api.put("/api/v1/trace", "{\"enabled\": true}").json().get("field").stringValue());
        assertEquals("enabled", api.put("/api/v1/trace", "{\"topic\": \"a/#\"}").json().get("field").stringValue());
    }

    @Test
    void statsNameTheVersionAndTheListeners() throws Exception {
        JsonNode stats = api.get("/api/v1/stats").json();
        assertEquals(Main.version(), stats.get("version").stringValue());
        assertEquals("127.0.0.1:" + broker.port, stats.get("listeners").get("tcp").stringValue());
        assertEquals("127.0.0.1:" + broker.httpPort, stats.get("listeners").get("http").stringValue());
        assertTrue(stats.get("metrics").size() > 20);
    }

    private static Map<String, JsonNode> byClientId(JsonNode data) {
        Map<String, JsonNode> out = new java.util.HashMap<>();
        data.forEach(n -> out.put(n.get("clientId").stringValue(), n));
        return out;
    }

    private static List<String> listOf(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.stringValue()));
        return out;
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> out = new ArrayList<>();
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }

    /** FailedLogins' free failures, as docs/api.md states them. */
    private static final class FailedLoginsLimit {
        static final int FREE = 5;
    }

}
