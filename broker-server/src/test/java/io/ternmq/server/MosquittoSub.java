package io.ternmq.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code mosquitto_sub}, started with {@code -d} so that it says when its SUBACK arrived: a test publishes
 * only once the subscription is in place, on a slow machine as on a fast one. Its debug lines are kept apart from
 * the messages it prints.
 */
final class MosquittoSub implements AutoCloseable {

    private final Process process;
    private final List<String> all = new CopyOnWriteArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final Thread reader;

    private MosquittoSub(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "mosquitto_sub-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mosquitto_sub -d} with these arguments and waits (up to 20 s) until it is subscribed. */
    static MosquittoSub subscribed(String... args) throws IOException, InterruptedException {
        // Its output is a pipe here, which stdio buffers fully: stdbuf (coreutils) makes it line-buffered, so the
        // SUBACK line arrives when it happens rather than when the process exits.
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "mosquitto_sub", "-d"));
        command.addAll(List.of(args));
        MosquittoSub sub = new MosquittoSub(new ProcessBuilder(command).redirectErrorStream(true).start());
        if (!sub.subscribed.await(20, TimeUnit.SECONDS)) {
            sub.close();
            throw new AssertionError("mosquitto_sub never got its SUBACK: " + sub.all);
        }
        return sub;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                all.add(line);
                if (line.startsWith("Client ") && line.contains("received SUBACK")) {
                    subscribed.countDown();
                }
            }
        } catch (IOException e) {
            all.add("(reading mosquitto_sub failed: " + e + ")");
        }
    }

    /** Waits for the process to exit (it does once its {@code -C} count is reached); true if it did. */
    boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        boolean exited = process.waitFor(timeout, unit);
        if (exited) {
            reader.join(5_000);
        }
        return exited;
    }

    int exitValue() {
        return process.exitValue();
    }

    /** What it printed for the messages it received: every line but its {@code -d} debug lines. */
    List<String> messages() {
        return all.stream()
                .filter(l -> !l.startsWith("Client ") && !l.startsWith("Subscribed (mid"))
                .toList();
    }

    /** Everything it printed, debug lines included, for a failure message. */
    String output() {
        return String.join("\n", all);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
