package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.fuzz.Completion;
import io.ternmq.fuzz.FuzzCase;
import io.ternmq.fuzz.FuzzCases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 10,000 hostile cases from the fuzz generator over real sockets against a started broker, 16 at a time, while a
 * canary pair of Paho clients does QoS 1 round trips on the same broker the whole time. Every case must end
 * answered (its PINGREQ got a PINGRESP) or closed, never silent and open; and every canary round trip must
 * succeed, in order, without either canary losing its connection: hostile input ends only its own connection.
 */
class FuzzSocketIT extends SharedBrokerIT {

    private static final int CASES = 10_000;
    private static final int CONCURRENCY = 16;
    private static final long SEED = 7L;
    private static final int TIMEOUT_MILLIS = 2_000;
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};

    private enum Outcome { ANSWERED, CLOSED, HUNG, REFUSED_CONNECT }

    @Test
    void hostileConnectionsEndAloneWhileTheCanaryKeepsItsRoundTrips() throws Exception {
        Canary canary = new Canary();
        canary.start();
        Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> hung = java.util.Collections.synchronizedList(new ArrayList<>());
        int cap = broker.server.config().limits().maxPacketSize();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            FuzzCases cases = new FuzzCases(SEED);
            List<Future<?>> futures = new ArrayList<>();
            for (int worker = 0; worker < CONCURRENCY; worker++) {
                int first = worker;
                futures.add(pool.submit(() -> {
                    for (long i = first; i < CASES; i += CONCURRENCY) {
                        FuzzCase c = cases.caseAt(i);
                        Outcome outcome = run(c, cap);
                        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
                        if (outcome == Outcome.HUNG || outcome == Outcome.REFUSED_CONNECT) {
                            hung.add(outcome + " " + c);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        canary.stopAndCheck();

        assertTrue(hung.isEmpty(), hung.size() + " cases neither answered nor closed: " + hung.subList(0,
                Math.min(10, hung.size())));
        int total = outcomes.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(CASES, total, outcomes.toString());
        assertTrue(canary.roundTrips.get() >= 20, "the canary ran throughout: " + canary.roundTrips.get());
    }

    private static Outcome run(FuzzCase c, int cap) {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoLinger(true, 0); // no TIME_WAIT pile-up over thousands of short connections
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            if (c.afterConnect()) {
                out.write(c.connect());
                out.flush();
                int[] connAck = readPacketHeader(in);
                if (connAck == null || connAck[0] != 0x20) {
                    return Outcome.REFUSED_CONNECT;
                }
            }
            Completion completion = c.completion(cap);
            out.write(c.packet());
            if (completion.status() == Completion.Status.PADDED) {
                out.write(new byte[completion.padding()]);
            }
            out.write(PINGREQ);
            out.flush();
            while (true) {
                int[] header = readPacketHeader(in);
                if (header == null) {
                    return Outcome.CLOSED;
                }
                if (header[0] == 0xD0) {
                    return Outcome.ANSWERED;
                }
            }
        } catch (SocketTimeoutException e) {
            return Outcome.HUNG;
        } catch (SocketException e) {
            return Outcome.CLOSED; // reset by the broker, possibly while we were still writing
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads one packet and returns its first byte and length, or null at end of stream. */
    private static int[] readPacketHeader(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = in.read();
            if (b < 0) {
                return null;
            }
            length |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (in.readNBytes(length).length < length) {
            return null;
        }
        return new int[] {first, length};
    }

    /** A Paho v5 publisher and subscriber doing QoS 1 round trips until stopped; any failure is kept. */
    private static final class Canary {
        final AtomicInteger roundTrips = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final ByteArrayOutputStream problems = new ByteArrayOutputStream();
        Paho5 subscriber;
        Paho5 publisher;
        Thread thread;

        void start() throws Exception {
            subscriber = Paho5.connect(broker, "canary-sub");
            subscriber.paho.subscribe("canary/rt", 1);
            publisher = Paho5.connect(broker, "canary-pub");
            thread = new Thread(this::loop, "canary");
            thread.start();
        }

        private void loop() {
            try {
                for (int i = 0; running.get(); i++) {
                    publisher.publish("canary/rt", Integer.toString(i), 1, null); // returns once PUBACKed
                    Paho5.Received received = subscriber.next();
                    if (received == null || !received.text().equals(Integer.toString(i))) {
                        problems.writeBytes(("round trip " + i + " got " + (received == null ? "nothing"
                                : received.text()) + "\n").getBytes());
                        return;
                    }
                    roundTrips.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                problems.writeBytes(("canary failed: " + e + "\n").getBytes());
            }
        }

        void stopAndCheck() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            assertEquals("", problems.toString(), "every canary round trip succeeded");
            assertTrue(publisher.paho.isConnected() && subscriber.paho.isConnected(), "both canaries still connected");
            assertNotNull(subscriber);
            publisher.close();
            subscriber.close();
        }
    }
}
