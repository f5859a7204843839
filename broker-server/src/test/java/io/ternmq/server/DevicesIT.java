package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Devices end to end: the registry over HTTP, Link SDK sign-in with real Paho v3 and v5 clients (each signature
 * computed independently in {@link LinkDevice}), the refusals with their CONNACK codes, takeover by a second
 * sign-in, and the per-device topic rules with their PUBACK and SUBACK codes.
 */
class DevicesIT {

    private static final String PK = "a1product";
    /** The registry test's own product, so its pages hold only its devices. */
    private static final String REG = "a1registry";
    private static TestBroker broker;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(Map.of());
        api = broker.api();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    static LinkDevice register(ApiClient api, String productKey, String deviceName) throws Exception {
        ApiClient.Reply created = api.post("/api/v1/products/" + productKey + "/devices",
                "{\"deviceName\": \"" + deviceName + "\"}");
        assertEquals(201, created.status(), created.text());
        return new LinkDevice(productKey, deviceName, created.json().get("deviceSecret").stringValue());
    }

    @Test
    void theRegistryIsManagedOverHttpAndNeverShowsASecretTwice() throws Exception {
        ApiClient.Reply created = api.post("/api/v1/products/" + REG + "/devices",
                "{\"deviceName\": \"lamp-0001\", \"deviceSecret\": \"s3cret-lamp\"}");
        assertEquals(201, created.status());
        assertEquals("{\"productKey\":\"a1registry\",\"deviceName\":\"lamp-0001\",\"deviceSecret\":\"s3cret-lamp\"}",
                created.text());
        ApiClient.Reply generated = api.post("/api/v1/products/" + REG + "/devices", "{\"deviceName\": \"lamp-0002\"}");
        assertTrue(generated.json().get("deviceSecret").stringValue().matches("[0-9a-f]{32}"), generated.text());

        ApiClient.Reply twice = api.post("/api/v1/products/" + REG + "/devices", "{\"deviceName\": \"lamp-0001\"}");
        assertEquals(409, twice.status());
        assertEquals("conflict", twice.json().get("code").stringValue());
        ApiClient.Reply shortName = api.post("/api/v1/products/" + REG + "/devices", "{\"deviceName\": \"ab\"}");
        assertEquals(400, shortName.status());
        assertEquals("deviceName", shortName.json().get("field").stringValue());
        ApiClient.Reply badProduct = api.post("/api/v1/products/bad%20key/devices", "{\"deviceName\": \"lamp-9\"}");
        assertEquals(400, badProduct.status());
        assertEquals("productKey", badProduct.json().get("field").stringValue());

        ApiClient.Reply page = api.get("/api/v1/products/" + REG + "/devices?limit=1");
        assertEquals(200, page.status());
        assertEquals("lamp-0001", page.json().get("data").get(0).get("deviceName").stringValue());
        assertEquals("lamp-0001", page.json().get("next").stringValue());
        ApiClient.Reply next = api.get("/api/v1/products/" + REG + "/devices?limit=1&after=lamp-0001");
        assertEquals("lamp-0002", next.json().get("data").get(0).get("deviceName").stringValue());
        assertFalse(page.text().contains("s3cret") || page.text().contains("deviceSecret"), page.text());

        ApiClient.Reply products = api.get("/api/v1/products?limit=1000");
        assertEquals(200, products.status());
        List<String> keys = new ArrayList<>();
        products.json().get("data").forEach(p -> keys.add(p.get("productKey").stringValue()));
        assertEquals(1, keys.stream().filter(REG::equals).count(), "listed once, with two devices: " + keys);
        assertEquals(keys.stream().sorted().toList(), keys, "in key order");
        ApiClient.Reply badAfter = api.get("/api/v1/products?after=p%2Fk");
        assertEquals(400, badAfter.status());
        assertEquals("after", badAfter.json().get("field").stringValue());

        JsonNode detail = api.get("/api/v1/products/" + REG + "/devices/lamp-0001").json();
        assertEquals("OFFLINE", detail.get("status").stringValue());
        assertTrue(detail.get("connection").isNull());
        assertTrue(detail.get("lastOnlineAt").isNull(), "never online yet");
        assertFalse(detail.toString().contains("s3cret"));

        ApiClient.Reply csv = api.send("POST", "/api/v1/products/" + REG + "/devices:import",
                "deviceName,deviceSecret\nlamp-0001,x\nlamp-0100,given-secret\nlamp-0101,\n", "text/csv");
        assertEquals(200, csv.status(), csv.text());
        assertEquals(2, csv.json().get("created").intValue());
        assertEquals(List.of("lamp-0001"), List.of(csv.json().get("skipped").get(0).stringValue()));
        assertEquals("given-secret", csv.json().get("devices").get(0).get("deviceSecret").stringValue());
        ApiClient.Reply badCsv = api.send("POST", "/api/v1/products/" + REG + "/devices:import",
                "lamp-0200\nx\n", "text/csv");
        assertEquals(400, badCsv.status());
        assertTrue(badCsv.json().get("field").stringValue().contains("line 2"), badCsv.text());
        assertEquals(404, api.get("/api/v1/products/" + REG + "/devices/lamp-0200").status(),
                "a bad line imports nothing");
        ApiClient.Reply json = api.post("/api/v1/products/" + REG + "/devices:import",
                "{\"devices\": [{\"deviceName\": \"lamp-0300\"}]}");
        assertEquals(1, json.json().get("created").intValue());

        assertEquals("UNKNOWN", api.get("/api/v1/devices/" + REG + "/nothing-here/status").json().get("status")
                .stringValue());
        ApiClient.Reply disabled = api.send("PATCH", "/api/v1/products/" + REG + "/devices/lamp-0300",
                "{\"enabled\": false}");
        assertEquals("DISABLED", disabled.json().get("status").stringValue());
        assertEquals("DISABLED", api.get("/api/v1/devices/" + REG + "/lamp-0300/status").json().get("status")
                .stringValue());
        assertEquals(200, api.delete("/api/v1/products/" + REG + "/devices/lamp-0300").status());
        assertEquals(404, api.get("/api/v1/products/" + REG + "/devices/lamp-0300").status());
        assertEquals(404, api.delete("/api/v1/products/" + REG + "/devices/lamp-0300").status());
    }

    @Test
    void aDeviceSignsInWithEachSignMethodOverMqtt3And5() throws Exception {
        LinkDevice sensor = register(api, PK, "sensor-01");
        try (PahoClients.Client v3 = PahoClients.connect(broker, sensor.presented("s1", "hmacsha1"),
                sensor.options3("s1", "hmacsha1"))) {
            JsonNode detail = api.get("/api/v1/products/" + PK + "/devices/sensor-01").json();
            assertEquals("ONLINE", detail.get("status").stringValue());
            assertEquals("s1", detail.get("connection").get("clientId").stringValue(),
                    "the session's client id is the bare id, without the Link SDK's parameters");
            assertEquals("device", detail.get("connection").get("provider").stringValue());
            assertEquals("ONLINE", api.get("/api/v1/devices/" + PK + "/sensor-01/status").json().get("status")
                    .stringValue());
            assertEquals(200, api.get("/api/v1/clients/s1").status());
        }
        LinkDevice meter = register(api, PK, "meter-01");
        try (Paho5 v5 = Paho5.connect(broker.uri(), meter.presented("m1", "hmacsha256"),
                meter.options5("m1", "hmacsha256"))) {
            assertTrue(v5.paho.isConnected());
        }
        try (PahoClients.Client md5 = PahoClients.connect(broker, meter.presented("m2", "hmacmd5"),
                meter.options3("m2", "hmacmd5"))) {
            assertTrue(md5.paho.isConnected());
        }
        assertNotNull(api.get("/api/v1/products/" + PK + "/devices/meter-01").json().get("lastOnlineAt")
                .stringValue(), "the registry records when it was last online");
    }

    @Test
    void theTraceAndTheAuditLogNameWhoSignedInAndThroughWhichProvider() throws Exception {
        LinkDevice gauge = register(api, PK, "gauge-01");
        api.put("/api/v1/trace", "{\"clientId\": \"g1\", \"enabled\": true}");
        ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("ternmq.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        audit.addAppender(lines);
        try (PahoClients.Client device = PahoClients.connect(broker, gauge.presented("g1", "hmacsha1"),
                gauge.options3("g1", "hmacsha1"))) {
            JsonNode events = api.get("/api/v1/trace?clientId=g1").json().get("data");
            JsonNode connect = events.get(events.size() - 1);
            assertEquals("CONNECT", connect.get("kind").stringValue());
            assertEquals(PK + "/gauge-01", connect.get("identity").stringValue());
            assertEquals("device", connect.get("provider").stringValue());
        } finally {
            audit.detachAppender(lines);
        }
        List<String> logged = lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .toList();
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("sign-in of g1 from ") && l.endsWith(
                ": " + PK + "/gauge-01 by device")), logged.toString());
        assertTrue(logged.stream().noneMatch(l -> l.contains(gauge.secret())
                || l.contains(gauge.password("g1", "hmacsha1", "1700000000000"))), "never a secret or a password");
    }

    @Test
    void wrongSecretUnknownDeviceDisabledDeviceAndSecuremode2OverTcpAreRefused() throws Exception {
        LinkDevice valve = register(api, PK, "valve-01");
        LinkDevice forged = new LinkDevice(PK, "valve-01", "not-the-secret");
        assertEquals(4, refused3(forged.presented("v1", "hmacsha1"), forged.options3("v1", "hmacsha1")),
                "3.1.1: 0x04 bad user name or password");
        assertEquals(0x86, refused5(forged.presented("v1", "hmacsha256"), forged.options5("v1", "hmacsha256")));
        LinkDevice unknown = new LinkDevice(PK, "ghost-01", "whatever");
        assertEquals(4, refused3(unknown.presented("g1", "hmacsha1"), unknown.options3("g1", "hmacsha1")));
        // A tampered timestamp: the signature no longer matches its parameters.
        MqttConnectOptions tampered = valve.options3("v1", "hmacsha1");
        assertEquals(4, refused3(valve.clientId("v1", 3, "hmacsha1", "1700000000001"), tampered));

        assertEquals(0x87, refused5(valve.clientId("v1", 2, "hmacsha1", "5"), withPassword5(valve, "v1", "5")),
                "securemode=2 promises TLS: refused over plain TCP");

        api.send("PATCH", "/api/v1/products/" + PK + "/devices/valve-01", "{\"enabled\": false}");
        assertEquals(5, refused3(valve.presented("v1", "hmacsha1"), valve.options3("v1", "hmacsha1")),
                "3.1.1: 0x05 not authorized for a disabled device");
        assertEquals(0x87, refused5(valve.presented("v1", "hmacsha256"), valve.options5("v1", "hmacsha256")));
        api.send("PATCH", "/api/v1/products/" + PK + "/devices/valve-01", "{\"enabled\": true}");
        try (PahoClients.Client back = PahoClients.connect(broker, valve.presented("v1", "hmacsha1"),
                valve.options3("v1", "hmacsha1"))) {
            assertTrue(back.paho.isConnected(), "enabled again, it signs in");
        }
    }

    @Test
    void securemode2SignsInOverTls() throws Exception {
        LinkDevice safe = register(api, PK, "safe-01");
        MqttConnectOptions options = PahoClients.options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
        options.setUserName(safe.username());
        options.setPassword(safe.password("t1", "hmacsha256", "42").toCharArray());
        options.setSocketFactory(TlsClients.trusting(broker.certificate()).getSocketFactory());
        try (PahoClients.Client tls = PahoClients.connect(broker, safe.clientId("t1", 2, "hmacsha256", "42"),
                withUri(options))) {
            assertEquals("tls", api.get("/api/v1/products/" + PK + "/devices/safe-01").json().get("connection")
                    .get("transport").stringValue());
        }
    }

    /** Paho connects where its server URIs say: here the TLS listener. */
    private static MqttConnectOptions withUri(MqttConnectOptions options) {
        options.setServerURIs(new String[] {"ssl://localhost:" + broker.tlsPort});
        return options;
    }

    @Test
    void aFleetOf100000DevicesImportsInOneCall() throws Exception {
        StringBuilder csv = new StringBuilder("deviceName,deviceSecret\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("fleet-").append(i).append(i % 2 == 0 ? ",given-" + i : ",").append('\n');
        }
        ApiClient.Reply imported = api.send("POST", "/api/v1/products/a1fleet/devices:import", csv.toString(),
                "text/csv");
        assertEquals(200, imported.status(), imported.text().substring(0, Math.min(300, imported.text().length())));
        assertEquals(100_000, imported.json().get("created").intValue());
        assertEquals(100_000, imported.json().get("devices").size(), "every secret, given or generated, once");
        assertEquals("given-99998", imported.json().get("devices").get(99_998).get("deviceSecret").stringValue());
        LinkDevice last = new LinkDevice("a1fleet", "fleet-99999",
                imported.json().get("devices").get(99_999).get("deviceSecret").stringValue());
        try (PahoClients.Client device = PahoClients.connect(broker, last.presented("f1", "hmacsha1"),
                last.options3("f1", "hmacsha1"))) {
            assertTrue(device.paho.isConnected(), "an imported device signs in with its generated secret");
        }
        ApiClient.Reply tooBigWithoutToken = api.withToken("wrong-token-wrong-token")
                .send("POST", "/api/v1/products/a1fleet/devices:import", csv.substring(0, 100_000), "text/csv");
        assertEquals(413, tooBigWithoutToken.status(), "without the token the body is held to api.max-body-bytes");
    }

    private static org.eclipse.paho.mqttv5.client.MqttConnectionOptions withPassword5(LinkDevice d, String id,
                                                                                     String timestamp) {
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions o = Paho5.options(true, 0L);
        o.setUserName(d.username());
        o.setPassword(d.password(id, "hmacsha1", timestamp).getBytes(StandardCharsets.UTF_8));
        return o;
    }

    @Test
    void aSecondSignInTakesOverAndDisablingClosesTheConnection() throws Exception {
        LinkDevice door = register(api, PK, "door-01");
        try (Paho5 first = Paho5.connect(broker.uri(), door.presented("d1", "hmacsha256"),
                door.options5("d1", "hmacsha256"));
             Paho5 second = Paho5.connect(broker.uri(), door.presented("d2", "hmacsha256"),
                     door.options5("d2", "hmacsha256"))) {
            assertEquals(0x8E, first.disconnects.poll(10, TimeUnit.SECONDS),
                    "the same device under another client id: the old connection is taken over");
            assertTrue(second.paho.isConnected());
            assertEquals("d2", api.get("/api/v1/products/" + PK + "/devices/door-01").json().get("connection")
                    .get("clientId").stringValue());

            api.send("PATCH", "/api/v1/products/" + PK + "/devices/door-01", "{\"enabled\": false}");
            assertEquals(0x98, second.disconnects.poll(10, TimeUnit.SECONDS), "disabled: closed by the operator");
        }
    }

    @Test
    void aDeviceUsesItsOwnTopicsAndTheBroadcastOnly() throws Exception {
        LinkDevice pump = register(api, PK, "pump-01");
        LinkDevice tap = register(api, PK, "tap-01"); // one connection per device: the 3.1.1 client is another
        try (PahoClients.Client business = PahoClients.connect(broker, "business",
                MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             Paho5 v5 = Paho5.connect(broker.uri(), pump.presented("p5", "hmacsha256"),
                     pump.options5("p5", "hmacsha256"));
             PahoClients.Client v3 = PahoClients.connect(broker, tap.presented("t3", "hmacsha1"),
                     tap.options3("t3", "hmacsha1"))) {
            business.paho.subscribe("#", 1);

            v5.publish("/" + PK + "/pump-01/user/update", "mine", 1, null);
            assertEquals("/" + PK + "/pump-01/user/update", business.next().topic());
            assertEquals(0, v5.pubAcks.poll(10, TimeUnit.SECONDS)[0], "its own topic: PUBACK Success");
            v5.publish("/" + PK + "/other-01/user/update", "not mine", 1, null);
            assertEquals(0x87, v5.pubAcks.poll(10, TimeUnit.SECONDS)[0], "5.0: PUBACK 0x87 Not authorized");
            v3.publish("/sys/" + PK + "/pump-01/thing/event", "not mine", 1); // 3.x: acknowledged, not delivered
            v3.publish("/sys/" + PK + "/tap-01/thing/event", "mine too", 1);
            assertEquals("/sys/" + PK + "/tap-01/thing/event", business.next().topic(),
                    "only its own topics reached the subscriber, in order");
            assertNull(business.nextOrNull(300));

            int[] codes = v5.paho.subscribe(new MqttSubscription[] {new MqttSubscription("#", 1),
                    new MqttSubscription("/broadcast/" + PK + "/#", 1)}).getReasonCodes();
            assertEquals(0x87, codes[0], "5.0: SUBACK 0x87 for another device's (everyone's) topics");
            assertEquals(1, codes[1], "the product's broadcast is allowed");
            int[] granted = v3.paho.subscribeWithResponse(new String[] {"/" + PK + "/other-01/#"}, new int[] {1})
                    .getGrantedQos();
            assertEquals(0x80, granted[0], "3.1.1: SUBACK 0x80");

            api.post("/api/v1/publish", "{\"topic\": \"/broadcast/" + PK + "/all\", \"payload\": \"hello\"}");
            assertEquals("hello", v5.next().text());
        }
    }

    private static int refused3(String clientId, MqttConnectOptions options) throws Exception {
        MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        try {
            MqttException e = assertThrows(MqttException.class, () -> client.connect(options));
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }

    private static int refused5(String clientId, org.eclipse.paho.mqttv5.client.MqttConnectionOptions options)
            throws Exception {
        org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
                broker.uri(), clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            org.eclipse.paho.mqttv5.common.MqttException e = assertThrows(
                    org.eclipse.paho.mqttv5.common.MqttException.class, () -> client.connect(options));
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }
}
