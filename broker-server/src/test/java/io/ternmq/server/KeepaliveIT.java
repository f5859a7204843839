package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The keepalive watchdog with a raw socket (Paho would ping on its own). keepalive-min is lowered so the test
 * does not wait the platform's 45 s; the clamping itself is covered by the EmbeddedChannel tests.
 */
class KeepaliveIT {

    // CONNECT, MQTT 3.1.1, clean session, keepalive 2 s, client id "idle"
    private static final byte[] CONNECT = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x02,
        0x00, 0x04, 'i', 'd', 'l', 'e'};

    @Test
    void silentClientIsClosedAfterOneAndAHalfKeepalives() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_PLATFORM_KEEPALIVE_MIN", "1"));
             Socket socket = new Socket("127.0.0.1", broker.port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(CONNECT);
            out.flush();
            assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, in.readNBytes(4), "CONNACK");

            // Within the keepalive the connection is up: a PINGREQ gets its PINGRESP.
            out.write(new byte[] {(byte) 0xC0, 0x00});
            out.flush();
            assertArrayEquals(new byte[] {(byte) 0xD0, 0x00}, in.readNBytes(2), "PINGRESP");

            // Then silence: the broker closes the socket (read returns -1), well before our 20 s guard.
            socket.setSoTimeout(20_000);
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("connection still open 20 s after a 2 s keepalive", e);
            }
            assertEquals(-1, read, "the broker closed the idle connection");
            assertTrue(broker.server.engine().metrics.connectionsAccepted.sum() >= 1);
        }
    }
}
