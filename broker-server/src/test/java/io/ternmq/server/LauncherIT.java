package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar's command line: --help, --version, exit codes, one-line errors that name the key. */
class LauncherIT {

    @TempDir
    Path dir;

    @Test
    void versionAndHelpExitZero() throws Exception {
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--version")) {
            assertEquals(0, p.awaitExit(30));
            assertTrue(p.output.get(0).matches("ternmq \\d+\\.\\d+\\.\\d+.*"), p.output.toString());
        }
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--help")) {
            assertEquals(0, p.awaitExit(30));
            String help = String.join("\n", p.output);
            for (String flag : List.of("--config", "--bind", "--tcp-port", "--tls-port", "--quic-port",
                    "--http-port", "--data-dir", "--allow-anonymous", "TERNMQ_LIMITS_MAX_QUEUED_MESSAGES",
                    "platform.delivery-qos")) {
                assertTrue(help.contains(flag), "--help does not mention " + flag);
            }
        }
    }

    @Test
    void badFlagValueExitsTwoWithOneLineNamingTheKey() throws Exception {
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--tcp-port", "70000")) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "listeners.tcp-port", "70000");
        }
    }

    @Test
    void badEnvironmentValueExitsTwo() throws Exception {
        try (JarProcess p = JarProcess.start(dir, Map.of("TERNMQ_LIMITS_MAX_CONNECTIONS", "lots"))) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "limits.max-connections", "lots");
        }
    }

    @Test
    void unknownKeyInTheConfigFileExitsTwo() throws Exception {
        Path config = Files.writeString(dir.resolve("ternmq.yaml"), "limits:\n  max-conections: 5\n");
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--config", config.toString())) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "max-conections", "");
        }
    }

    @Test
    void unknownOptionExitsTwo() throws Exception {
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--tcp-prot", "1")) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "--tcp-prot", "");
        }
    }

    @Test
    void nonLoopbackBindWithOnlyTheAnonymousProviderAndWithoutAllowAnonymousRefusesToStart() throws Exception {
        try (JarProcess p = JarProcess.start(dir, Map.of("TERNMQ_AUTH_PROVIDERS", "anonymous"), "--bind", "0.0.0.0",
                "--tcp-port", Integer.toString(TestBroker.freePort()))) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "listeners.bind", "0.0.0.0");
        }
    }

    @Test
    void nonLoopbackBindWithTheDefaultProvidersStartsAndRefusesAnonymousClients() throws Exception {
        int port = TestBroker.freePort();
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--bind", "0.0.0.0", "--tcp-port",
                Integer.toString(port), "--tls-port", "0")) {
            assertTrue(p.awaitLine("ternmq ready", 60_000), p.output.toString());
            assertTrue(p.output.stream().anyMatch(l -> l.contains("anonymous clients refused")), p.output.toString());
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(RawMqtt.connectPacket("anon", 60));
                assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x05}, socket.getInputStream().readNBytes(4),
                        "3.1.1: 0x05 not authorized; devices still sign in");
            }
        }
    }

    @Test
    void configFileIsReadAndFlagsOverrideIt() throws Exception {
        int filePort = TestBroker.freePort();
        int flagPort = TestBroker.freePort();
        Path config = Files.writeString(dir.resolve("ternmq.yaml"),
                "listeners:\n  tcp-port: " + filePort + "\nlimits:\n  max-connections: 10\n");
        try (JarProcess p = JarProcess.start(dir, Map.of(), "--config", config.toString(),
                "--tcp-port", Integer.toString(flagPort), "--tls-port", Integer.toString(TestBroker.freePort()))) {
            assertTrue(p.awaitLine("ternmq ready", 30_000), p.output.toString());
            assertTrue(p.output.stream().anyMatch(l -> l.contains("listening on 127.0.0.1:" + flagPort)),
                    p.output.toString());
            p.terminate();
            assertEquals(0, p.awaitExit(30));
        }
    }

    @Test
    void aTcpPortHeldByAnotherProcessExitsTwoNamingTheListener() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             JarProcess p = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(taken.getLocalPort()),
                     "--tls-port", "0")) {
            assertEquals(2, p.awaitExit(30));
            assertOneLineNaming(p, "MQTT over TCP cannot listen on 127.0.0.1:" + taken.getLocalPort(),
                    "listeners.tcp-port");
            assertFalse(p.output.stream().anyMatch(l -> l.contains("listening on") || l.contains("ternmq ready")),
                    "nothing announced: " + p.output);
        }
    }

    /**
     * A second broker started on the ports of a running one stops at start-up, for each listener kind, and
     * announces none of its listeners; the first keeps serving. QUIC is the case that matters most: its
     * SO_REUSEPORT sockets would otherwise let the second process share the UDP port.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"MQTT over TCP, --tcp-port, listeners.tcp-port", "MQTT over TLS, --tls-port, listeners.tls-port",
        "MQTT over QUIC, --quic-port, listeners.quic-port", "admin API, --http-port, listeners.http-port"})
    void aSecondBrokerOnAHeldPortExitsTwoNamingTheListenerAddressAndPort(String listener, String flag, String key)
            throws Exception {
        Map<String, Integer> ports = new java.util.HashMap<>(Map.of("--tcp-port", TestBroker.freePort(),
                "--tls-port", TestBroker.freePort(), "--quic-port", TestBroker.freeUdpPort(),
                "--http-port", TestBroker.freePort()));
        java.nio.file.Path firstDir = java.nio.file.Files.createDirectories(dir.resolve("first"));
        try (JarProcess first = JarProcess.start(firstDir, Map.of(), args(ports))) {
            assertTrue(first.awaitLine("ternmq ready", 30_000), first.output.toString());
            // The second broker asks only for the held port of this kind; its other listeners get free ports.
            Map<String, Integer> second = new java.util.HashMap<>(Map.of("--tcp-port", TestBroker.freePort(),
                    "--tls-port", TestBroker.freePort(), "--quic-port", TestBroker.freeUdpPort(),
                    "--http-port", TestBroker.freePort()));
            second.put(flag, ports.get(flag));
            java.nio.file.Path secondDir = java.nio.file.Files.createDirectories(dir.resolve("second"));
            try (JarProcess p = JarProcess.start(secondDir, Map.of(), args(second))) {
                assertEquals(2, p.awaitExit(30));
                assertOneLineNaming(p, listener + " cannot listen on 127.0.0.1:" + ports.get(flag), key);
                assertFalse(p.output.stream().anyMatch(l -> l.contains("listening on") || l.contains("ternmq ready")),
                        "nothing announced: " + p.output);
            }
            assertTrue(first.process.isAlive(), "the first broker is unaffected");
            first.terminate();
            assertEquals(0, first.awaitExit(30));
        }
    }

    @Test
    void aSecondBrokerOnTheSameDataDirectoryExitsTwoNamingIt() throws Exception {
        Path data = dir.resolve("shared-data");
        try (JarProcess first = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(freePort()),
                "--tls-port", "0", "--data-dir", data.toString())) {
            assertTrue(first.awaitLine("ternmq ready", 60_000), first.output.toString());
            try (JarProcess second = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(freePort()),
                    "--tls-port", "0", "--data-dir", data.toString())) {
                assertEquals(2, second.awaitExit(60));
                assertOneLineNaming(second, "data-dir", data.toAbsolutePath().toString());
                assertTrue(second.output.stream().anyMatch(l -> l.contains("another broker holds it")),
                        second.output.toString());
            }
            assertTrue(first.process.isAlive(), "the first broker must not notice");
        }
    }

    @Test
    void aCorruptStoreStopsStartUpWithExitTwoAndWhatToDo() throws Exception {
        Path data = dir.resolve("corrupt-data");
        try (JarProcess broker = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(freePort()),
                "--tls-port", "0", "--data-dir", data.toString())) {
            assertTrue(broker.awaitLine("ternmq ready", 60_000), broker.output.toString());
            broker.terminate();
            assertEquals(0, broker.awaitExit(60));
        }
        try (java.util.stream.Stream<Path> files = Files.list(data.resolve("store"))) {
            for (Path manifest : files.filter(f -> f.getFileName().toString().startsWith("MANIFEST-")).toList()) {
                Files.write(manifest, new byte[4096]); // zeros where RocksDB's list of files was
            }
        }
        try (JarProcess broker = JarProcess.start(dir, Map.of(), "--tcp-port", Integer.toString(freePort()),
                "--tls-port", "0", "--data-dir", data.toString())) {
            assertEquals(2, broker.awaitExit(60));
            assertOneLineNaming(broker, "store", data.resolve("store").toAbsolutePath().toString());
            String line = broker.output.stream().filter(l -> l.startsWith("ternmq: ")).findFirst().orElseThrow();
            assertTrue(line.contains("corrupt") && line.contains("restore a backup"), line);
        }
    }

    private static int freePort() {
        return TestBroker.freePort();
    }

    private static String[] args(Map<String, Integer> ports) {
        return ports.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(),
                Integer.toString(e.getValue()))).toArray(String[]::new);
    }

    private static void assertOneLineNaming(JarProcess p, String key, String value) {
        List<String> errors = p.output.stream().filter(l -> l.startsWith("ternmq: ")).toList();
        assertEquals(1, errors.size(), "expected one error line: " + p.output);
        assertTrue(errors.get(0).contains(key), "error line does not name " + key + ": " + errors.get(0));
        assertTrue(errors.get(0).contains(value), "error line does not show the value: " + errors.get(0));
        assertFalse(p.output.stream().anyMatch(l -> l.contains("\tat ")), "a stack trace for a user mistake");
    }

    @Test
    void healthAsksTheRunningBrokerAndExitsZeroOnlyWhenItAnswers() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            try (JarProcess p = JarProcess.start(dir, Map.of(), "health", "--http-port",
                    Integer.toString(broker.httpPort))) {
                assertEquals(0, p.awaitExit(30), p.output.toString());
                assertTrue(p.output.stream().anyMatch(l -> l.contains("/health 200")), p.output.toString());
            }
        }
        try (JarProcess p = JarProcess.start(dir, Map.of(), "health", "--http-port",
                Integer.toString(TestBroker.freePort()))) {
            assertEquals(1, p.awaitExit(30), "nobody answers: " + p.output);
            assertTrue(p.output.stream().anyMatch(l -> l.contains("did not answer")), p.output.toString());
        }
    }
}
