package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * RRPC end to end: real Paho devices answer their request topic, curl and the JDK's HTTP client call
 * {@code POST /api/v1/rrpc}, and every rrpcCode is produced by the situation it names.
 */
class RrpcIT {

    private static final String PK = "a1rrpc";
    private static TestBroker broker;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        // A low keepalive floor, so a device can go silent past its keepalive within seconds (HALFCONN).
        broker = TestBroker.start(Map.of("TERNMQ_PLATFORM_KEEPALIVE_MIN", "2"));
        api = broker.api();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    /** A device that answers each request on its response topic with "re:" and the request. */
    static final class Echo implements MqttCallback, AutoCloseable {
        final MqttAsyncClient paho;
        final boolean answers;

        Echo(LinkDevice device, String id, String filter, boolean answers) throws MqttException {
            this.answers = answers;
            paho = new MqttAsyncClient(broker.uri(), device.presented(id, "hmacsha1"), new MemoryPersistence());
            paho.setCallback(this);
            MqttConnectOptions options = device.options3(id, "hmacsha1");
            options.setMaxInflight(1000);
            paho.connect(options).waitForCompletion(10_000);
            paho.subscribe(filter, 0).waitForCompletion(10_000);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws MqttException {
            if (!answers) {
                return;
            }
            byte[] reply = ("re:" + new String(message.getPayload(), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            String response = topic.startsWith("/sys/") ? topic.replace("/rrpc/request/", "/rrpc/response/") : topic;
            paho.publish(response, reply, 0, false);
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        @Override
        public void close() throws MqttException {
            if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(5_000);
            }
            paho.close(true);
        }
    }

    private static Echo echo(LinkDevice device, boolean answers) throws MqttException {
        return new Echo(device, device.deviceName() + "-c",
                "/sys/" + device.productKey() + "/" + device.deviceName() + "/rrpc/request/+", answers);
    }

    private static String call(String deviceName, String request, int timeoutMs, String topic) {
        return "{\"productKey\": \"" + PK + "\", \"deviceName\": \"" + deviceName + "\", \"requestBase64\": \""
                + Base64.getEncoder().encodeToString(request.getBytes(StandardCharsets.UTF_8)) + "\", \"timeoutMs\": "
                + timeoutMs + (topic == null ? "" : ", \"topic\": \"" + topic + "\"") + "}";
    }

    private static String decoded(JsonNode answer) {
        return new String(Base64.getDecoder().decode(answer.get("payloadBase64").stringValue()),
                StandardCharsets.UTF_8);
    }

    @Test
    void curlCallsADeviceAndGetsItsAnswer() throws Exception {
        LinkDevice lamp = DevicesIT.register(api, PK, "lamp-rr");
        try (Echo device = echo(lamp, true)) {
            String token = Files.readString(broker.dataDir.resolve("admin-token")).strip();
            Process curl = new ProcessBuilder("curl", "-s", "-S", "--max-time", "20", "-H",
                    "Authorization: Bearer " + token, "-H", "Content-Type: application/json", "-d",
                    call("lamp-rr", "turn on", 5000, null), "http://127.0.0.1:" + broker.httpPort + "/api/v1/rrpc")
                    .redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
            JsonNode answer = ApiClient.JSON.readTree(out);
            assertEquals("SUCCESS", answer.get("rrpcCode").stringValue(), out);
            assertEquals("re:turn on", decoded(answer));
            assertTrue(answer.get("messageId").stringValue().matches("[0-9]+"), out);
        }
    }

    @Test
    void theCustomExtFormWorksAndNoOtherSubscriberSeesRequestOrResponse() throws Exception {
        LinkDevice fan = DevicesIT.register(api, PK, "fan-rr");
        try (PahoClients.Client snoop = PahoClients.connect(broker, "snoop",
                MqttConnectOptions.MQTT_VERSION_3_1_1, true);
             Echo device = new Echo(fan, "fan-c", "/ext/rrpc/+/" + PK + "/fan-rr/user/get", true)) {
            snoop.paho.subscribe("#", 0);
            ApiClient.Reply reply = api.post("/api/v1/rrpc", call("fan-rr", "speed?", 5000,
                    "/" + PK + "/fan-rr/user/get"));
            assertEquals(200, reply.status(), reply.text());
            assertEquals("SUCCESS", reply.json().get("rrpcCode").stringValue(), reply.text());
            assertEquals("re:speed?", decoded(reply.json()));
            assertNull(snoop.nextOrNull(500), "the request went to the device alone, the response to the call");
        }
    }

    @Test
    void aSilentDeviceTimesOutAnOfflineOneAnswersAtOnceAndBadCallsAre4xx() throws Exception {
        LinkDevice mute = DevicesIT.register(api, PK, "mute-rr");
        try (Echo device = echo(mute, false)) {
            long started = System.nanoTime();
            ApiClient.Reply timeout = api.post("/api/v1/rrpc", call("mute-rr", "hello?", 1000, null));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals("TIMEOUT", timeout.json().get("rrpcCode").stringValue());
            assertTrue(tookMillis >= 1000, "waited the requested time: " + tookMillis + " ms");
            assertTrue(timeout.json().get("payloadBase64").isNull());
        }
        DevicesIT.register(api, PK, "away-rr");
        long started = System.nanoTime();
        ApiClient.Reply offline = api.post("/api/v1/rrpc", call("away-rr", "hello?", 8000, null));
        assertEquals("OFFLINE", offline.json().get("rrpcCode").stringValue());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 4000, "at once, not after 8 s");

        ApiClient.Reply tooShort = api.post("/api/v1/rrpc", call("away-rr", "x", 500, null));
        assertEquals(400, tooShort.status());
        assertEquals("timeoutMs", tooShort.json().get("field").stringValue());
        ApiClient.Reply unknown = api.post("/api/v1/rrpc", call("nobody-rr", "x", 1000, null));
        assertEquals(404, unknown.status());
        ApiClient.Reply noRequest = api.post("/api/v1/rrpc",
                "{\"productKey\": \"" + PK + "\", \"deviceName\": \"away-rr\", \"timeoutMs\": 1000}");
        assertEquals("requestBase64", noRequest.json().get("field").stringValue());
    }

    @Test
    void aConnectionSilentPastItsKeepaliveIsHalfConnected() throws Exception {
        LinkDevice quiet = DevicesIT.register(api, PK, "quiet-rr");
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            // MQTT 3.1.1 CONNECT, keepalive 4 s, with the Link SDK's user name and password; then silence.
            String id = "quiet-c";
            socket.getOutputStream().write(connect(quiet.presented(id, "hmacsha1"), quiet.username(),
                    quiet.password(id, "hmacsha1", "1700000000000"), 4));
            InputStream in = socket.getInputStream();
            assertEquals("20 02 00 00", hex(in.readNBytes(4)), "signed in");
            ApiClient.Reply heard = api.post("/api/v1/rrpc", call("quiet-rr", "x", 1000, null));
            assertEquals("TIMEOUT", heard.json().get("rrpcCode").stringValue(),
                    "heard from just now: the call is made (and nobody answers it)");
            Thread.sleep(4300); // past the keepalive, before the broker's watchdog (1.5 times) closes it
            ApiClient.Reply silent = api.post("/api/v1/rrpc", call("quiet-rr", "x", 1000, null));
            assertEquals("HALFCONN", silent.json().get("rrpcCode").stringValue(), silent.text());
        }
    }

    @Test
    void aThousandConcurrentCallsToAHundredDevicesAllSucceed() throws Exception {
        List<Echo> devices = new ArrayList<>();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            csv.append(String.format("many-%03d,secret-%03d%n", i, i));
        }
        assertEquals(100, api.send("POST", "/api/v1/products/" + PK + "/devices:import", csv.toString(),
                "text/csv").json().get("created").intValue());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String token = Files.readString(broker.dataDir.resolve("admin-token")).strip();
        try {
            // Paho's own connect takes a few hundred milliseconds: the hundred devices sign in side by side.
            ExecutorService connecting = Executors.newFixedThreadPool(20);
            try {
                List<Future<Echo>> signingIn = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    LinkDevice d = new LinkDevice(PK, String.format("many-%03d", i), String.format("secret-%03d", i));
                    signingIn.add(connecting.submit(() -> echo(d, true)));
                }
                for (Future<Echo> f : signingIn) {
                    devices.add(f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                connecting.shutdown();
            }
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.httpPort
                                + "/api/v1/rrpc")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(call(String.format("many-%03d", i % 100),
                                "call-" + i, 8000, null))).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> r = calls.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                JsonNode answer = ApiClient.JSON.readTree(r.body());
                assertEquals("SUCCESS", answer.get("rrpcCode").stringValue(), "call " + i + ": " + r.body());
                assertEquals("re:call-" + i, decoded(answer), "each call gets its own answer");
            }
        } finally {
            for (Echo d : devices) {
                d.close();
            }
        }
    }

    private static byte[] connect(String clientId, String username, String password, int keepalive) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, (byte) 0xC2, 0x00, (byte) keepalive});
        for (String s : new String[] {clientId, username, password}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            body.write(b.length >> 8);
            body.write(b.length);
            body.writeBytes(b);
        }
        return RawMqtt.packet(0x10, body.toByteArray());
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.length() == 0 ? "" : " ").append(String.format("%02X", b & 0xFF));
        }
        return out.toString();
    }

}
