package io.ternmq.bench;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for a broker with rules simple enough to predict every case: it reads packet by packet (first byte,
 * Remaining Length, body), closes on a first byte 0x00 and on a Remaining Length of five bytes, answers CONNECT
 * with CONNACK 0 and a PINGREQ (c0) with PINGRESP, and ignores the rest. Two client ids are special: after the
 * CONNECT of {@code hangClientId} it answers CONNACK and then reads and drops everything, answering nothing; the
 * CONNECT of {@code refuseClientId} gets CONNACK 0x05 and the close.
 */
final class StubBroker implements AutoCloseable {

    /** A CONNECT declaring more is skipped like any other packet rather than buffered. */
    private static final int MAX_CONNECT = 64 * 1024;

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-broker");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final String hangClientId;
    private final String refuseClientId;

    StubBroker(String hangClientId, String refuseClientId) throws IOException {
        this.hangClientId = hangClientId;
        this.refuseClientId = refuseClientId;
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int first = in.read();
                if (first <= 0) {
                    return; // EOF, or the 0x00 this stub closes on
                }
                long length = remainingLength(in);
                if (length < 0) {
                    return; // a fifth length byte
                }
                if ((first >> 4) == 1 && length <= MAX_CONNECT) {
                    byte[] body = new byte[(int) length];
                    in.readFully(body);
                    String clientId = clientId(body);
                    if (refuseClientId.equals(clientId)) {
                        out.write(new byte[] {0x20, 0x02, 0x00, 0x05});
                        return;
                    }
                    out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
                    if (hangClientId.equals(clientId)) {
                        drain(in);
                        return;
                    }
                } else {
                    in.skipNBytes(length);
                    if (first == 0xC0) {
                        out.write(new byte[] {(byte) 0xD0, 0x00});
                    }
                }
            }
        } catch (EOFException e) {
            // the client closed mid-packet
        } catch (IOException e) {
            // reset by the client
        } finally {
            open.remove(socket);
        }
    }

    /** The Remaining Length, or -1 when its fourth byte says a fifth follows. */
    private static long remainingLength(InputStream in) throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    /** The client id of a CONNECT body (3.1, 3.1.1, 5.0), or "" when the body is not a readable CONNECT. */
    private static String clientId(byte[] body) {
        try {
            int at = 2 + u16(body, 0);
            int level = body[at];
            at += 4; // level, flags, keep alive
            if (level == 5) {
                int properties = 0;
                int shift = 0;
                int b;
                do {
                    b = body[at++] & 0xFF;
                    properties |= (b & 0x7F) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0);
                at += properties;
            }
            return new String(body, at + 2, u16(body, at), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // reading on, answering nothing: the hang this stub plays
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}
