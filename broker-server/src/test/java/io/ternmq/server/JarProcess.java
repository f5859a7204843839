package io.ternmq.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The built ternmq.jar run as a separate process, the way a newcomer runs it. */
final class JarProcess implements AutoCloseable {

    final Process process;
    final List<String> output = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private JarProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "jar-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("ternmq.jar", "target/ternmq.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("run after 'mvn package': " + jar.toAbsolutePath() + " is missing");
        }
        return jar;
    }

    static JarProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, env, List.of(), args);
    }

    /** jvmOptions go before -jar, e.g. -Djava.security.properties=FILE. */
    static JarProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        if (!command.contains("--quic-port")) {
            // No test may bind the default QUIC port 14567 (a broker, or another test run, may hold it).
            command.addAll(List.of("--quic-port", "0"));
        }
        if (!command.contains("--http-port")) {
            // Nor the default admin API port 18083.
            command.addAll(List.of("--http-port", "0"));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TERNMQ_"));
        pb.environment().putAll(env);
        return new JarProcess(pb.start());
    }

    /**
     * A broker on MQTT over TCP only, on this port and data directory, once it has logged {@code ternmq ready}
     * (an AssertionError with its output when it does not).
     */
    static JarProcess startBroker(Path dataDir, int port, Map<String, String> env) throws IOException,
            InterruptedException {
        JarProcess broker = start(Path.of("."), env, "--tcp-port", Integer.toString(port), "--tls-port", "0",
                "--quic-port", "0", "--data-dir", dataDir.toString());
        if (!broker.awaitLine("ternmq ready", 60_000)) {
            broker.close();
            throw new AssertionError("the broker did not start: " + broker.output);
        }
        return broker;
    }

    /** Waits for a line containing text; false if the process ended or the time ran out first. */
    boolean awaitLine(String text, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            if (!process.isAlive() && output.stream().noneMatch(l -> l.contains(text))) {
                Thread.sleep(100); // let the reader catch the last lines
                return output.stream().anyMatch(l -> l.contains(text));
            }
            Thread.sleep(50);
        }
        return false;
    }

    int awaitExit(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("ternmq.jar did not exit within " + timeoutSeconds + " s; output: " + output);
        }
        reader.join(5_000); // every line the process printed, up to end of stream
        return process.exitValue();
    }

    /**
     * SIGTERM, as a service manager or docker stop sends it. Sent with kill(1): Process.destroy() would also
     * close our end of the output pipe and lose the shutdown lines.
     */
    void terminate() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** SIGHUP, as an operator sends it after replacing the TLS certificate files. */
    void hangUp() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
