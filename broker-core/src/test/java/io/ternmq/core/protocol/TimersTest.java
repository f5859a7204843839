package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The connect timeout and the keepalive watchdog, on a clock that moves only when the test says so. The
 * defaults: connect-timeout 10 s, keepalive range 30..1200 s, idle close after 1.5 keepalive periods.
 */
class TimersTest {

    private final TestEngine broker = TestEngine.start();

    private static long readerIdleMillis(WireClient client) {
        return ((SessionPacketHandler) client.channel().pipeline().get(MqttPipelineInstaller.MQTT3))
                .keepaliveMillis();
    }

    @Test
    void connectionWithoutConnectIsClosedAfterTheConnectTimeout() {
        WireClient client = WireClient.open(broker);

        client.advance(Duration.ofMillis(9_900));
        assertTrue(client.isOpen());

        client.advance(Duration.ofMillis(200));
        assertFalse(client.isOpen());
        assertEquals("", client.read());
    }

    @Test
    void connectTimeoutFollowsTheSetting() {
        TestEngine quick = TestEngine.defaults().connectTimeout(Duration.ofSeconds(2)).build();
        WireClient client = WireClient.open(quick);

        client.advance(Duration.ofMillis(1_900));
        assertTrue(client.isOpen());
        client.advance(Duration.ofMillis(200));
        assertFalse(client.isOpen());
    }

    @Test
    void connectInTimeCancelsTheConnectTimeout() {
        WireClient client = WireClient.open(broker);
        client.advance(Duration.ofSeconds(5));
        client.send(Packets.connect("c1", true, 60));
        assertEquals("20 02 00 00", client.read());

        client.advance(Duration.ofSeconds(20)); // well past the connect timeout, within keepalive 60 * 1.5
        assertTrue(client.isOpen());
    }

    @Test
    void partialConnectDoesNotStopTheConnectTimeout() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51"); // half a CONNECT, then silence

        client.advance(Duration.ofSeconds(11));
        assertFalse(client.isOpen());
    }

    @Test
    void keepaliveWithinTheRangeIsKept() {
        WireClient client = WireClient.open(broker);
        client.send(Packets.connect("c1", true, 60));

        assertEquals(90_000, readerIdleMillis(client));
    }

    @Test
    void keepaliveBelowTheMinimumIsRaisedTo30Seconds() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 02 00 05 00 02 63 31"); // keepalive 5 s

        assertEquals("20 02 00 00", client.read());
        assertEquals(45_000, readerIdleMillis(client));
    }

    @Test
    void keepaliveAboveTheMaximumIsLoweredTo1200Seconds() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 02 13 88 00 02 63 31"); // keepalive 5000 s

        assertEquals("20 02 00 00", client.read());
        assertEquals(1_800_000, readerIdleMillis(client));
    }

    @Test
    void keepaliveZeroBecomesTheMaximum() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 02 00 00 00 02 63 31"); // keepalive 0: "none"

        assertEquals("20 02 00 00", client.read());
        assertEquals(1_800_000, readerIdleMillis(client));
    }

    @Test
    void silentClientIsClosedAfterOneAndAHalfClampedKeepalives() {
        WireClient client = WireClient.open(broker);
        client.send("10 0E 00 04 4D 51 54 54 04 02 00 05 00 02 63 31"); // 5 s, clamped to 30 s
        assertEquals("20 02 00 00", client.read());

        client.advance(Duration.ofSeconds(44));
        assertTrue(client.isOpen(), "5 s asked, 30 s enforced: 44 s of silence is allowed");
        client.advance(Duration.ofSeconds(2));
        assertFalse(client.isOpen());
        assertEquals("", client.read());
        assertNull(broker.registry().get("c1"), "a clean session ends with its connection");
    }

    @Test
    void anyPacketFromTheClientRestartsTheKeepalive() {
        WireClient client = WireClient.connect(broker, "c1", true); // keepalive 60 s: 90 s allowed

        client.advance(Duration.ofSeconds(80));
        client.send("C0 00");
        assertEquals("D0 00", client.read());
        client.advance(Duration.ofSeconds(80));
        assertTrue(client.isOpen(), "80 s since the PINGREQ");
        client.advance(Duration.ofSeconds(11));
        assertFalse(client.isOpen());
    }
}
