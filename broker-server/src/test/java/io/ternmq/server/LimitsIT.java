package io.ternmq.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connection-level limits against a running broker: max-connections and the CONNECT timeout. */
class LimitsIT {

    private static final byte[] CONNACK_OK = {0x20, 0x02, 0x00, 0x00};

    @Test
    void connectionsBeyondMaxConnectionsAreClosed() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_CONNECTIONS", "2"));
             RawMqtt a = new RawMqtt(broker.port);
             RawMqtt b = new RawMqtt(broker.port)) {
            assertArrayEquals(CONNACK_OK, a.connect("limit-a", 60));
            assertArrayEquals(CONNACK_OK, b.connect("limit-b", 60));
            try (RawMqtt c = new RawMqtt(broker.port)) {
                assertTrue(c.closedByBroker(), "a third connection was kept open");
            }
            // The two within the limit still work.
            a.send(0xC0, new byte[0]);
            assertArrayEquals(new byte[] {(byte) 0xD0, 0x00}, a.in().readNBytes(2));
            assertTrue(broker.server.engine().metrics.connectionsOverLimit.sum() >= 1);
        }
        // A connection that closes frees its place.
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LIMITS_MAX_CONNECTIONS", "1"))) {
            try (RawMqtt a = new RawMqtt(broker.port)) {
                assertArrayEquals(CONNACK_OK, a.connect("free-a", 60));
            }
            boolean connected = false;
            for (int attempt = 0; attempt < 50 && !connected; attempt++) {
                try (RawMqtt again = new RawMqtt(broker.port)) {
                    again.socket.setSoTimeout(2_000);
                    byte[] ack = again.connect("free-b", 60);
                    connected = java.util.Arrays.equals(CONNACK_OK, ack);
                } catch (java.io.IOException e) {
                    Thread.sleep(100); // the broker has not seen the first close yet
                }
            }
            assertTrue(connected, "the place of a closed connection was never freed");
        }
    }

    @Test
    void socketWithoutConnectIsClosedAfterTheConnectTimeout() throws Exception {
        try (TestBroker broker = TestBroker.start(Map.of("TERNMQ_LIMITS_CONNECT_TIMEOUT", "1s"));
             RawMqtt silent = new RawMqtt(broker.port);
             RawMqtt prompt = new RawMqtt(broker.port)) {
            assertArrayEquals(CONNACK_OK, prompt.connect("prompt", 60));
            assertTrue(silent.closedByBroker(), "a socket that never sent CONNECT stayed open");
            prompt.send(0xC0, new byte[0]);
            assertArrayEquals(new byte[] {(byte) 0xD0, 0x00}, prompt.in().readNBytes(2),
                    "a connected client must outlive the connect timeout");
            assertFalse(prompt.socket.isClosed());
        }
    }
}
