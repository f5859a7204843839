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

    @Test
    void p2pOverQuicDeliversEveryQos1MessageOnce() throws Exception {
        int quicPort = freeUdpPort();
        Map<?, ?> result = run(new String[] {"--tcp-port", "0", "--tls-port", "0",
            "--quic-port", Integer.toString(quicPort), "--http-port", "0"}, "p2p", "--transport", "quic", "--port",
            Integer.toString(quicPort), "--publishers", "10", "--rate", "20", "--qos", "1", "--duration", "1s");
        assertEquals("quic", ((Map<?, ?>) result.get("run")).get("transport"));
        assertEquals(20.0, Json.number(result, "connections.connected"), "10 publishers, 10 subscribers over QUIC");
        assertEveryMessageOnce(result);
        assertEquals(Json.number(result, "messages.published"), Json.number(result, "messages.acked"),
                "every QoS 1 PUBLISH acknowledged: " + result);
    }

    /** Starts a broker through the launcher's code path, runs the bench against it, returns the JSON result. */
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
