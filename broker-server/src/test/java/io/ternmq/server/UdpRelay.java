package io.ternmq.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A NAT in a box, on loopback: the client talks to {@link #address()}, the relay forwards to the server from its own
 * upstream socket and sends the answers back. {@link #rebind()} moves to a new upstream socket, so the server sees
 * the client's packets arrive from a new port in the middle of a connection, as after a NAT rebinding or a switch
 * from Wi-Fi to cellular. Every socket is closed by {@link #close()}, which ends the threads.
 * <p>
 * With a delay, each datagram is held that long each way (in order), a path with a round trip of twice the delay.
 * The relay counts the client's flights (a flight begins with a client datagram that follows a datagram delivered
 * to the client) and labels each of the server's datagrams with the flight it answers: the client flights the
 * server had been sent when the relay got the datagram from it. {@link #answeredFlight()} is the label of the
 * datagram delivered last: read as a client decodes what it just got, the client flight that got that answer.
 */
final class UdpRelay implements AutoCloseable {

    private final DatagramSocket front;
    private final InetSocketAddress server;
    private final List<DatagramSocket> upstreams = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile DatagramSocket upstream;
    private volatile SocketAddress client;
    private final long delayMillis;
    private final ScheduledExecutorService delayed;
    private final AtomicLong clientFlights = new AtomicLong();
    /** A datagram reached the client since the client's last one: its next one begins a flight. */
    private final AtomicBoolean answered = new AtomicBoolean(true);
    /** Client flights whose first datagram went on to the server. */
    private final AtomicLong flightsAtServer = new AtomicLong();
    private final AtomicLong answeredFlight = new AtomicLong();
    private volatile long lastDatagramNanos = System.nanoTime();
    /** The client's first flight since the last {@link #resetFlights()}, datagram by datagram, for a replay. */
    private final List<byte[]> firstFlight = new CopyOnWriteArrayList<>();

    UdpRelay(InetSocketAddress server) throws IOException {
        this(server, Duration.ZERO);
    }

    UdpRelay(InetSocketAddress server, Duration delay) throws IOException {
        this.server = server;
        this.delayMillis = delay.toMillis();
        this.delayed = delayMillis == 0 ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-delay");
            t.setDaemon(true);
            return t;
        });
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rebind();
        start("relay-from-client", () -> {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            front.receive(packet);
            client = packet.getSocketAddress();
            lastDatagramNanos = System.nanoTime();
            boolean startsFlight = answered.getAndSet(false);
            if (startsFlight) {
                clientFlights.incrementAndGet();
            }
            if (clientFlights.get() == 1) {
                firstFlight.add(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
            }
            DatagramSocket out = upstream;
            later(() -> {
                if (startsFlight) {
                    flightsAtServer.incrementAndGet();
                }
                out.send(new DatagramPacket(packet.getData(), packet.getLength(), this.server));
            });
            forwarded.incrementAndGet();
        });
    }

    /** The client's flights so far (see the class comment); {@link #resetFlights()} starts the count again. */
    long clientFlights() {
        return clientFlights.get();
    }

    /** The client flight that the datagram delivered to the client last answers (see the class comment). */
    long answeredFlight() {
        return answeredFlight.get();
    }

    /** Waits until no datagram has passed either way for {@code quiet} (an earlier connection's close is over). */
    void awaitQuiet(Duration quiet) throws InterruptedException {
        while (System.nanoTime() - lastDatagramNanos < quiet.toNanos()) {
            Thread.sleep(20);
        }
    }

    void resetFlights() {
        clientFlights.set(0);
        flightsAtServer.set(0);
        answeredFlight.set(0);
        answered.set(true);
        firstFlight.clear();
    }

    /**
     * What an attacker who recorded the client's first flight can do: send it again, from an address of its own
     * (here a new socket, whose answers nobody reads). The attacker has no keys: the handshake cannot complete.
     */
    int replayFirstFlight() throws IOException {
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (byte[] datagram : firstFlight) {
                attacker.send(new DatagramPacket(datagram, datagram.length, server));
            }
        }
        return firstFlight.size();
    }

    private void later(Step send) {
        Runnable now = () -> {
            try {
                send.run();
            } catch (IOException closed) {
                // the relay is closing
            }
        };
        if (delayed == null) {
            now.run();
        } else {
            delayed.schedule(now, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Where the client sends its datagrams. */
    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** The port the server sees the client's packets come from now. */
    int upstreamPort() {
        return upstream.getLocalPort();
    }

    /** The address the server sees the client's packets come from now. */
    InetAddress upstreamAddress() {
        return upstream.getLocalAddress();
    }

    long forwarded() {
        return forwarded.get();
    }

    /** From now on the client's packets reach the server from a new source port; answers to the old one still pass. */
    void rebind() throws IOException {
        rebind(InetAddress.getLoopbackAddress());
    }

    /** The same from a new source address (127.0.0.2, say): a real address change, as from Wi-Fi to cellular. */
    void rebind(InetAddress from) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0));
        upstreams.add(socket);
        upstream = socket;
        start("relay-to-client-" + socket.getLocalPort(), () -> {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            socket.receive(packet);
            SocketAddress to = client;
            if (to != null) {
                lastDatagramNanos = System.nanoTime();
                long answers = flightsAtServer.get();
                later(() -> {
                    answeredFlight.set(answers);
                    front.send(new DatagramPacket(packet.getData(), packet.getLength(), to));
                    answered.set(true);
                });
            }
        });
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void start(String name, Step step) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    step.run();
                }
            } catch (IOException closed) {
                // the socket was closed: the relay is done
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        if (delayed != null) {
            delayed.shutdownNow();
        }
        front.close();
        upstreams.forEach(DatagramSocket::close);
    }
}
