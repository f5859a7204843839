package io.ternmq.server;

import io.ternmq.config.ConfigLoader;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.tls.GeneratedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A broker started through {@link Main#start}, the jar's own code path, on free ports (MQTT over TCP, MQTT over
 * TLS with its generated certificate, MQTT over QUIC on UDP) and a fresh data directory. Extra settings go in as
 * TERNMQ_* environment entries, as an operator would set them.
 */
final class TestBroker implements AutoCloseable {

    final TernMq server;
    final Path dataDir;
    final int port;
    final int tlsPort;
    /** MQTT over QUIC (UDP); never the default 14567, so tests do not collide with a broker running here. */
    final int quicPort;
    final int httpPort;

    private final Map<String, String> env;

    private TestBroker(TernMq server, Map<String, String> env, Path dataDir, int port, int tlsPort, int quicPort,
                       int httpPort) {
        this.server = server;
        this.env = env;
        this.dataDir = dataDir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.quicPort = quicPort;
        this.httpPort = httpPort;
    }

    /** env: extra environment entries, e.g. "TERNMQ_PLATFORM_KEEPALIVE_MIN" -> "1". */
    static TestBroker start(Map<String, String> env) throws Exception {
        return start(env, null);
    }

    /**
     * As {@link #start(Map)}; a non-null authenticator replaces the launcher's anonymous one, so a test can see
     * what the broker asks it (the rest is still the jar's code path).
     */
    static TestBroker start(Map<String, String> env, Authenticator authenticator) throws Exception {
        return start(env, authenticator, Files.createTempDirectory("ternmq-test"), freePort(), freePort(),
                freeUdpPort(), freePort());
    }

    private static TestBroker start(Map<String, String> env, Authenticator authenticator, Path dataDir, int port,
                                    int tlsPort, int quicPort, int httpPort) throws Exception {
        String[] args = {"--tcp-port", Integer.toString(port), "--tls-port", Integer.toString(tlsPort),
            "--quic-port", Integer.toString(quicPort), "--http-port", Integer.toString(httpPort),
            "--data-dir", dataDir.toString()};
        TernMq server;
        if (authenticator == null) {
            server = Main.start(args, new HashMap<>(env));
        } else {
            CommandLine commandLine = CommandLine.parse(args);
            server = TernMq.start(ConfigLoader.load(commandLine.configFile(), env, commandLine.overrides()),
                    authenticator);
        }
        return new TestBroker(server, env, dataDir, port, tlsPort, quicPort, httpPort);
    }

    /**
     * Stops this broker as SIGTERM does (every session drained, the store written, synced and closed) and starts
     * another on the same data directory, ports and settings: a restart. This one is not to be used afterwards.
     */
    TestBroker restart() throws Exception {
        return restart(java.time.Duration.ZERO);
    }

    /** As {@link #restart()}, with the broker down for {@code down} between the stop and the start. */
    TestBroker restart(java.time.Duration down) throws Exception {
        server.close();
        Thread.sleep(down.toMillis());
        return start(env, null, dataDir, port, tlsPort, quicPort, httpPort);
    }

    static TestBroker start() throws Exception {
        return start(Map.of());
    }

    /** The admin API with the token the broker generated into its data directory. */
    ApiClient api() throws java.io.IOException {
        return new ApiClient("http://127.0.0.1:" + httpPort, Files.readString(dataDir.resolve("admin-token")).strip());
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** MQTT over TLS, as Paho writes it. */
    String tlsUri() {
        return "ssl://127.0.0.1:" + tlsPort;
    }

    /** The self-signed certificate the broker generated on start (unless the test configured its own). */
    Path certificate() {
        return GeneratedCertificate.certFile(dataDir);
    }

    /** The QUIC listener's address. */
    java.net.InetSocketAddress quicAddress() {
        return new java.net.InetSocketAddress("127.0.0.1", quicPort);
    }

    static int freeUdpPort() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /**
     * Blocks the session owner (event loop) of {@code clientId} until {@code release} opens (at most 20 s), and
     * returns only once it is held: a hold task that is merely queued would let that loop read its sockets first.
     */
    void holdOwner(String clientId, java.util.concurrent.CountDownLatch release) throws InterruptedException {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        if (!server.engine().registry.ownerOf(clientId).tryExecute(() -> {
            held.countDown();
            try {
                release.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            throw new AssertionError("the owner of " + clientId + " refused the hold task");
        }
        if (!held.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the owner of " + clientId + " did not run the hold task");
        }
    }
}
