package io.ternmq.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A NAT in a box, on loopback: the client talks to {@link #address()}, the relay forwards to the server from its own
 * upstream socket and sends the answers back. {@link #rebind()} moves to a new upstream socket, so the server sees
 * the client's packets arrive from a new port in the middle of a connection, as after a NAT rebinding or a switch
 * from Wi-Fi to cellular. Every socket is closed by {@link #close()}, which ends the threads.
 */
final class UdpRelay implements AutoCloseable {

    private final DatagramSocket front;
    private final InetSocketAddress server;
    private final List<DatagramSocket> upstreams = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile DatagramSocket upstream;
    private volatile SocketAddress client;

    UdpRelay(InetSocketAddress server) throws IOException {
        this.server = server;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rebind();
        start("relay-from-client", () -> {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            front.receive(packet);
            client = packet.getSocketAddress();
            upstream.send(new DatagramPacket(packet.getData(), packet.getLength(), this.server));
            forwarded.incrementAndGet();
        });
    }

    /** Where the client sends its datagrams. */
    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** The port the server sees the client's packets come from now. */
    int upstreamPort() {
        return upstream.getLocalPort();
    }

    long forwarded() {
        return forwarded.get();
    }

    /** From now on the client's packets reach the server from a new source port; answers to the old one still pass. */
    void rebind() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        upstreams.add(socket);
        upstream = socket;
        start("relay-to-client-" + socket.getLocalPort(), () -> {
            DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
            socket.receive(packet);
            SocketAddress to = client;
            if (to != null) {
                front.send(new DatagramPacket(packet.getData(), packet.getLength(), to));
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
        front.close();
        upstreams.forEach(DatagramSocket::close);
    }
}
