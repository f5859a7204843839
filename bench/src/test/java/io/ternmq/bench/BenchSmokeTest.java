package io.ternmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.server.Main;
import io.ternmq.server.TernMq;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-second p2p run through the bench's own entry point against a broker started in-process by the
 * launcher's code path: every message arrives exactly once and the JSON result is well-formed. No timing is
 * asserted: the machines are shared and noisy.
 */
class BenchSmokeTest {

    @TempDir
    Path tmp;
    /** What the last {@link #run} printed. */
    private String lastPrinted = "";

    @Test
    void p2pRunDeliversEveryMessageOnceAndWritesJson() throws Exception {
        int port = freePort();
        Map<?, ?> result = run(new String[] {"--tcp-port", Integer.toString(port), "--tls-port", "0",
            "--quic-port", "0", "--http-port", "0"}, "p2p", "--port", Integer.toString(port), "--publishers", "20",
            "--rate", "50",
            "--qos", "0", "--duration", "2s");
        assertEquals("p2p", ((Map<?, ?>) result.get("run")).get("scenario"));
        assertEquals(40.0, Json.number(result, "connections.connected"));
        assertEveryMessageOnce(result);
        assertTrue(Json.number(result, "latency_ms.p99") >= 0, "latency measured: " + result);
    }

    /** With a warm-up: two uncounted rounds first (printed), then the measured run alone is in the result. */
    @Test
    void p2pOverQuicDeliversEveryQos1MessageOnce() throws Exception {
        int quicPort = freeUdpPort();
        Map<?, ?> result = run(new String[] {"--tcp-port", "0", "--tls-port", "0",
            "--quic-port", Integer.toString(quicPort), "--http-port", "0"}, "p2p", "--transport", "quic", "--port",
            Integer.toString(quicPort), "--publishers", "10", "--rate", "20", "--qos", "1", "--warmup", "3s",
            "--duration", "1s");
        assertEquals("quic", ((Map<?, ?>) result.get("run")).get("transport"));
        assertEquals(20.0, Json.number(result, "connections.connected"), "10 publishers, 10 subscribers over QUIC");
        assertEveryMessageOnce(result);
        assertEquals(Json.number(result, "messages.published"), Json.number(result, "messages.acked"),
                "every QoS 1 PUBLISH acknowledged: " + result);
        // 10 x 20 a second for the measured second; the warm-up's 3 s would have added about 600 more
        assertTrue(Json.number(result, "messages.published") <= 250, "the warm-up is not counted: " + result);
        assertEquals(2, lastPrinted.split("publishing for 1\\.5 s", -1).length - 1,
                "two warm-up rounds of 1.5 s, then the measured second: " + lastPrinted);
        assertTrue(lastPrinted.contains("# warm-up: the same load for 3.0 s"), lastPrinted);
    }

    @Test
    void warmupIsRefusedWhereNothingIsPublished() {
        for (String scenario : new String[] {"conn", "sub"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(BenchMain.EXIT_USAGE, BenchMain.run(new String[] {scenario, "--warmup", "1s"},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--warmup: " + scenario + " publishes nothing"),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Starts a broker through the launcher's code path, runs the bench against it, returns the JSON result. */
    /** {@code streams}: one QUIC subscriber with a data stream per topic; every probe and bulk message arrives. */
    @Test
    void streamsMeasuresTheProbeOnItsOwnDataStream() throws Exception {
        int port = freePort();
        int quicPort = freeUdpPort();
        TernMq broker = Main.start(new String[] {"--tcp-port", Integer.toString(port), "--tls-port", "0",
            "--quic-port", Integer.toString(quicPort), "--http-port", "0", "--data-dir",
            tmp.resolve("streams-data").toString()}, Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            assertEquals(BenchMain.EXIT_OK, BenchMain.run(new String[] {"streams", "--mode", "multi", "--port",
                Integer.toString(port), "--quic-port", Integer.toString(quicPort), "--duration", "1s",
                "--bulk-rate", "50"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
        } finally {
            broker.close();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "multi: probes sent (\\d+), received (\\d+), measured (\\d+); bulk sent (\\d+), received (\\d+)")
                .matcher(printed);
        assertTrue(m.find(), printed);
        assertTrue(Integer.parseInt(m.group(1)) >= 300, "4 s at 100 probes a second: " + printed);
        assertEquals(m.group(1), m.group(2), "every probe arrived: " + printed);
        assertTrue(Integer.parseInt(m.group(3)) >= 90, "the measured second's probes: " + printed);
        assertEquals(m.group(4), m.group(5), "every bulk message arrived: " + printed);
    }

    private Map<?, ?> run(String[] brokerArgs, String... benchArgs) throws Exception {
        Path json = tmp.resolve(benchArgs[0] + "-" + System.nanoTime() + ".json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] withData = java.util.stream.Stream.concat(java.util.Arrays.stream(brokerArgs),
                java.util.stream.Stream.of("--data-dir", tmp.resolve("data").toString())).toArray(String[]::new);
        String[] withJson = java.util.stream.Stream.concat(java.util.Arrays.stream(benchArgs),
                java.util.stream.Stream.of("--json", json.toString())).toArray(String[]::new);
        TernMq broker = Main.start(withData, Map.of());
        int exit;
        try {
            exit = BenchMain.run(withJson, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            broker.close();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        lastPrinted = printed;
        assertEquals(0, exit, "exit code; stdout:\n" + printed + "\nstderr:\n" + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.contains("summary"), printed);
        return assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
    }

    private static void assertEveryMessageOnce(Map<?, ?> result) {
        double published = Json.number(result, "messages.published");
        assertTrue(published > 0, "something was published: " + result);
        assertEquals(published, Json.number(result, "messages.expected"));
        assertEquals(published, Json.number(result, "messages.received"), "every message arrived: " + result);
        assertEquals(0.0, Json.number(result, "messages.lost"), "no loss: " + result);
        assertEquals(0.0, Json.number(result, "messages.duplicates"), "no duplicates: " + result);
    }

    /**
     * churn against one broker with the providers device,password-file,anonymous, signed in each of the three ways
     * in turn: the devices imported through the admin API first, the password file written before the start.
     * Every CONNECT is accepted and every connection goes the whole way.
     */
    @Test
    void churnSignsInAnonymouslyAsDevicesAndAsAUserAgainstOneBroker() throws Exception {
        Path passwords = tmp.resolve("passwd");
        io.ternmq.auth.password.PasswordFile.setPassword(passwords, "bench", "bench-pw".toCharArray(),
                io.ternmq.auth.password.PasswordFile.DEFAULT_ITERATIONS);
        StringBuilder csv = new StringBuilder("deviceName,deviceSecret\n");
        for (int i = 0; i < 20; i++) {
            csv.append(String.format("churn-%04d,secret-%04d\n", i, i));
        }
        Path devices = Files.writeString(tmp.resolve("devices.csv"), csv);
        int port = freePort();
        int http = freePort();
        Path data = tmp.resolve("signin-data");
        TernMq broker = Main.start(new String[] {"--tcp-port", Integer.toString(port), "--tls-port", "0",
            "--quic-port", "0", "--http-port", Integer.toString(http), "--data-dir", data.toString()},
                Map.of("TERNMQ_AUTH_PROVIDERS", "device,password-file,anonymous",
                        "TERNMQ_AUTH_PASSWORD_FILE", passwords.toString()));
        try {
            java.net.http.HttpResponse<String> imported = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http
                                    + "/api/v1/products/bench/devices:import"))
                            .header("Authorization", "Bearer " + Files.readString(data.resolve("admin-token")).strip())
                            .header("Content-Type", "text/csv")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, imported.statusCode(), imported.body());
            assertTrue(imported.body().contains("\"created\":20"), imported.body());
            String[][] modes = {
                {"--sign-in", "anonymous"},
                {"--sign-in", "device", "--product-key", "bench", "--devices", devices.toString()},
                {"--sign-in", "password", "--username", "bench", "--password", "bench-pw"}};
            for (String[] mode : modes) {
                Path json = tmp.resolve("churn-" + mode[1] + ".json");
                String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("churn", "--port",
                        Integer.toString(port), "--concurrency", "10", "--warmup", "500ms", "--duration", "1s",
                        "--json", json.toString()),
                        java.util.Arrays.stream(mode)).toArray(String[]::new);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int exit = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
                String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
                assertEquals(0, exit, printed);
                Map<?, ?> result = assertInstanceOf(Map.class, Json.parse(Files.readString(json)));
                assertEquals(mode[1], ((Map<?, ?>) result.get("run")).get("sign_in"));
                assertTrue(Json.number(result, "connections.connected") > 0, mode[1] + ": " + printed);
                assertTrue(Json.number(result, "connections.cycles") > 0, mode[1] + ": " + printed);
                assertEquals(0.0, Json.number(result, "connections.refused"), mode[1] + ": " + printed);
                assertEquals(0.0, Json.number(result, "connections.errors"), mode[1] + ": " + printed);
                assertTrue(Json.number(result, "connections.connect_rate") > 0, mode[1] + ": " + printed);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void signInOptionsComeInPairsAndOnlyForConnectingScenarios() {
        for (String[] bad : new String[][] {
            {"p2p", "--sign-in", "password", "--username", "u", "--password", "p"},
            {"churn", "--sign-in", "device", "--product-key", "pk"},
            {"churn", "--sign-in", "password", "--username", "u"},
            {"churn", "--username", "u", "--password", "p"},
            {"churn", "--transport", "quic"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(BenchMain.EXIT_USAGE, BenchMain.run(bad, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8)), String.join(" ", bad));
        }
    }

    @Test
    void deviceSignatureIsTheLinkSdksHmac() {
        // the worked example of docs/devices.md, whose HMAC was computed with openssl dgst -sha256 -hmac
        assertEquals("c95d89c23d065d833120d3e05aafe92f7f51a7c13a8748cb2452d83a1b5aa21b",
                Credentials.hmacSha256Hex("Xy7Qp2Lm9Vn4Rt8Kw1Zs",
                        "clientIdlamp-0002deviceNamelamp-0002productKeya1B2c3D4e5timestamp1796169600000"));
    }

    @Test
    void jsonReaderRefusesWhatIsNotJson() {
        for (String bad : new String[] {"{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "01", "{\"a\":1} x", "nul"}) {
            try {
                Json.parse(bad);
                throw new AssertionError("accepted: " + bad);
            } catch (IllegalArgumentException expected) {
                // refused, as it should be
            }
        }
        assertEquals(Map.of("a", java.util.List.of(1L, 2.5, true, "x\"y")),
                Json.parse("{\"a\": [1, 2.5, true, \"x\\\"y\"]}"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
