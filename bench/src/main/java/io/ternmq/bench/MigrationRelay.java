package io.ternmq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A NAT in front of a UDP server, for QUIC migration runs: clients send to its front socket; it forwards each
 * client's datagrams to the server from an upstream socket of that client's own, and the server's answers back.
 * {@code switchAfter} the first datagram it moves every client to a new upstream socket bound to the next source
 * address (a real address change, as from Wi-Fi to cellular, or with the same address only the port changes, as
 * after a NAT rebinding). The old sockets keep passing answers, as a real path would for a while. One thread, one
 * selector; every datagram in either direction is counted, and the switch is logged with the time.
 *
 * <pre>
 *   java -jar ternmq-bench.jar relay --listen 127.0.0.1:24567 --to 127.0.0.1:14567 \
 *       --from 127.0.0.2,127.0.0.3 --switch-after 15s [--for 60s]
 * </pre>
 */
final class MigrationRelay implements AutoCloseable {

    private static final int MAX_DATAGRAM = 65_535;

    /** One client's path: the upstream socket its datagrams leave from, and which address that socket has. */
    private static final class Path {
        final SocketAddress client;
        DatagramChannel upstream;
        int generation;

        Path(SocketAddress client) {
            this.client = client;
        }
    }

    private final Selector selector = Selector.open();
    private final DatagramChannel front;
    private final InetSocketAddress server;
    private final InetAddress[] from;
    private final long switchAfterNanos;
    private final PrintStream out;
    private final Map<SocketAddress, Path> paths = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private int generation;
    private long firstNanos;
    private long toServer;
    private long toClients;

    MigrationRelay(InetSocketAddress listen, InetSocketAddress server, InetAddress[] from, Duration switchAfter,
                   PrintStream out) throws IOException {
        this.server = server;
        this.from = from;
        this.switchAfterNanos = switchAfter.toNanos();
        this.out = out;
        this.front = DatagramChannel.open().bind(listen);
        front.configureBlocking(false);
        front.register(selector, SelectionKey.OP_READ);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** Relays until {@code runFor} has passed since the first datagram (or forever, for a zero duration). */
    void run(Duration runFor) throws IOException {
        long start = System.nanoTime();
        while (true) {
            selector.select(100);
            long now = System.nanoTime();
            if (firstNanos != 0 && generation == 0 && now - firstNanos >= switchAfterNanos) {
                generation = 1;
                out.printf("relay: %.1f s after the first datagram, %d client sockets move to %s (datagrams so far: %,d to"
                                + " the server, %,d to the clients)%n", (now - firstNanos) / 1e9, paths.size(),
                        from[Math.min(generation, from.length - 1)].getHostAddress(), toServer, toClients);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                if (key.channel() == front) {
                    fromClients();
                } else {
                    fromServer((DatagramChannel) key.channel(), (Path) key.attachment());
                }
            }
            selector.selectedKeys().clear();
            if (!runFor.isZero() && firstNanos != 0 && now - firstNanos > runFor.toNanos()) {
                break;
            }
            if (firstNanos == 0 && now - start > TimeUnit.MINUTES.toNanos(10)) {
                throw new IOException("no datagram in 10 minutes");
            }
        }
        out.printf("relay: done: %,d datagrams to the server, %,d to the clients, %d client sockets%n", toServer, toClients,
                paths.size());
    }

    private void fromClients() throws IOException {
        while (true) {
            buffer.clear();
            SocketAddress client = front.receive(buffer);
            if (client == null) {
                return;
            }
            if (firstNanos == 0) {
                firstNanos = System.nanoTime();
            }
            Path path = paths.computeIfAbsent(client, Path::new);
            if (path.upstream == null || path.generation != generation) {
                path.upstream = upstream(path);
                path.generation = generation;
            }
            buffer.flip();
            path.upstream.send(buffer, server);
            toServer++;
        }
    }

    private DatagramChannel upstream(Path path) throws IOException {
        InetAddress address = from[Math.min(generation, from.length - 1)];
        DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(address, 0));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, path);
        return channel;
    }

    private void fromServer(DatagramChannel upstream, Path path) throws IOException {
        while (true) {
            buffer.clear();
            if (upstream.receive(buffer) == null) {
                return;
            }
            buffer.flip();
            front.send(buffer, path.client);
            toClients++;
        }
    }

    @Override
    public void close() throws IOException {
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    /** {@code relay --listen HOST:PORT --to HOST:PORT --from ADDR[,ADDR] --switch-after DURATION [--for DURATION]}. */
    static int main(String[] args, PrintStream out) throws IOException {
        InetSocketAddress listen = null;
        InetSocketAddress to = null;
        InetAddress[] from = {InetAddress.getLoopbackAddress()};
        Duration switchAfter = null;
        Duration runFor = Duration.ZERO;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("relay: " + args[i] + " needs a value");
            }
            String flag = args[i];
            String value = args[i + 1];
            switch (flag) {
                case "--listen" -> listen = hostPort(flag, value);
                case "--to" -> to = hostPort(flag, value);
                case "--from" -> {
                    String[] names = value.split(",");
                    from = new InetAddress[names.length];
                    for (int j = 0; j < names.length; j++) {
                        from[j] = InetAddress.getByName(names[j].strip());
                    }
                }
                case "--switch-after" -> switchAfter = Options.duration(flag, value);
                case "--for" -> runFor = Options.duration(flag, value);
                default -> throw new IllegalArgumentException("relay: unknown option " + flag);
            }
        }
        if (listen == null || to == null || switchAfter == null) {
            throw new IllegalArgumentException("relay needs --listen, --to and --switch-after");
        }
        try (MigrationRelay relay = new MigrationRelay(listen, to, from, switchAfter, out)) {
            out.println("relay: listening on " + relay.address() + ", to " + to + ", from " + from[0].getHostAddress()
                    + (from.length > 1 ? " then " + from[1].getHostAddress() : " then a new port"));
            out.flush();
            relay.run(runFor);
        }
        return BenchMain.EXIT_OK;
    }

    private static InetSocketAddress hostPort(String flag, String value) {
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + " " + value + ": HOST:PORT");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(value.substring(0, colon)),
                    Integer.parseInt(value.substring(colon + 1)));
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException(flag + " " + value + ": HOST:PORT (" + e.getMessage() + ")");
        }
    }
}
