package io.ternmq.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A broker started through {@link Main#start}, the jar's own code path, on a free port and a fresh data
 * directory. Extra settings go in as TERNMQ_* environment entries, as an operator would set them.
 */
final class TestBroker implements AutoCloseable {

    final TernMq server;
    final Path dataDir;
    final int port;

    private TestBroker(TernMq server, Path dataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** env: extra environment entries, e.g. "TERNMQ_PLATFORM_KEEPALIVE_MIN" -> "1". */
    static TestBroker start(Map<String, String> env) throws Exception {
        Path dataDir = Files.createTempDirectory("ternmq-test");
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--tcp-port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        TernMq server = Main.start(args.toArray(String[]::new), new HashMap<>(env));
        return new TestBroker(server, dataDir, port);
    }

    static TestBroker start() throws Exception {
        return start(Map.of());
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
