package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Half-open TLS handshakes cannot hold the broker: a handshake timeout, and a bound on handshakes at once. */
class TlsHandshakeLimitsIT {

    /** True once the broker closed the socket; false if it is still open after waitMillis. */
    private static boolean closedByBroker(Socket socket, int waitMillis) throws IOException {
        socket.setSoTimeout(waitMillis);
        try {
            while (socket.getInputStream().read() != -1) {
                // a TLS alert may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Test
    void aClientThatNeverFinishesItsHandshakeIsDisconnected() throws Exception {
        // The CONNECT timeout is an hour, so only the handshake timeout can close these sockets.
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_TLS_HANDSHAKE_TIMEOUT", "300ms",
                "TERNMQ_LIMITS_CONNECT_TIMEOUT", "60m"));
             Socket silent = new Socket("127.0.0.1", broker.tlsPort);
             Socket partial = new Socket("127.0.0.1", broker.tlsPort)) {
            // The first bytes of a TLS record header, then nothing.
            partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            partial.getOutputStream().flush();
            // 5 s: well past the 300 ms configured, and short of Netty's own 10 s default, which must not be what
            // closes them.
            assertTrue(closedByBroker(silent, 5_000), "a silent TLS client was not disconnected");
            assertTrue(closedByBroker(partial, 5_000), "a stalled ClientHello was not disconnected");
        }
    }

    @Test
    void handshakesBeyondTheBoundAreClosedAtOnceAndRoomReturnsWhenOnesEnd() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_TLS_MAX_PENDING_HANDSHAKES", "2",
                "TERNMQ_TLS_HANDSHAKE_TIMEOUT", "10m", "TERNMQ_LIMITS_CONNECT_TIMEOUT", "60m"))) {
            Socket first = new Socket("127.0.0.1", broker.tlsPort);
            Socket second = new Socket("127.0.0.1", broker.tlsPort);
            awaitPending(broker, 2);
            try (Socket third = new Socket("127.0.0.1", broker.tlsPort)) {
                assertTrue(closedByBroker(third, 10_000), "a third handshake beyond the bound of 2 was accepted");
            }
            assertFalse(closedByBroker(first, 300), "handshakes within the bound stay open");
            assertFalse(closedByBroker(second, 300), "handshakes within the bound stay open");

            first.close();
            second.close();
            awaitPending(broker, 0);
            // Room again: a real client completes its handshake and MQTT session.
            try (PahoClients.Client client = TlsClients.paho3(broker.tlsUri(), "after-the-flood",
                    TlsClients.trusting(broker.certificate()))) {
                assertTrue(client.paho.isConnected());
            }
        }
    }

    private static void awaitPending(TestBroker broker, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (broker.server.tlsPendingHandshakes() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, broker.server.tlsPendingHandshakes());
    }
}
