package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.WillPolicy;
import io.ternmq.core.auth.AuthResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CONNECT and its CONNACK, byte for byte: versions, client identifiers, wills, credentials. */
class ConnectTest {

    private static final String ACCEPTED = "20 02 00 00";

    private final TestEngine broker = TestEngine.start();

    /** Sends one packet on a new connection and returns what came back. */
    private WireClient connectWith(TestEngine target, String hex) {
        WireClient client = WireClient.open(target);
        client.send(hex);
        return client;
    }

    @Test
    void mqtt311ConnectIsAccepted() {
        WireClient client = connectWith(broker, "10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31");

        assertEquals(ACCEPTED, client.read());
        assertTrue(client.isOpen());
        assertNotNull(broker.registry().get("c1"));
        assertEquals(1, broker.metrics().connectionsAccepted.sum());
    }

    @Test
    void aConnectAfterShutdownBeganIsRefusedServerUnavailable() throws Exception {
        broker.shutdown(1, java.util.concurrent.TimeUnit.SECONDS);
        WireClient client = connectWith(broker, "10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 63 31");

        assertEquals("20 02 00 03", client.read(), "CONNACK 3: server unavailable");
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"), "no session bound after the drain");
    }

    @Test
    void mqtt31WithProtocolNameMQIsdpIsAccepted() {
        WireClient client = connectWith(broker, "10 10 00 06 4D 51 49 73 64 70 03 02 00 3C 00 02 63 31");

        assertEquals(ACCEPTED, client.read());
        assertTrue(client.isOpen());
        assertNotNull(broker.registry().get("c1"));
    }

    @Test
    void mqIsdpWithLevel4IsAnUnacceptableVersion() {
        WireClient client = connectWith(broker, "10 10 00 06 4D 51 49 73 64 70 04 02 00 3C 00 02 63 31");

        assertEquals("20 02 00 01", client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"));
    }

    @Test
    void unknownLevelGetsReturnCode1AndIsClosed() {
        WireClient client = connectWith(broker, "10 0E 00 04 4D 51 54 54 07 02 00 3C 00 02 63 31");

        assertEquals("20 02 00 01", client.read());
        assertFalse(client.isOpen());
        assertEquals(1, broker.metrics().connectionsRefused.sum());
    }

    @Test
    void mqtt5ConnectGetsAnMqtt5ConnackWithThePlatformProperties() {
        // Level 5 with an empty property block (00) after the keepalive.
        WireClient client = connectWith(broker, "10 0F 00 04 4D 51 54 54 05 02 00 3C 00 00 02 63 31");

        assertEquals("20 18 00 00 15" // flags 0, reason Success, 21 bytes of properties:
                + " 21 00 20" // Receive Maximum 32
                + " 22 00 10" // Topic Alias Maximum 16
                + " 24 01" // Maximum QoS 1
                + " 25 00" // Retain Available 0
                + " 27 00 04 10 00" // Maximum Packet Size 260 KiB
                + " 28 01" // Wildcard Subscription Available 1
                + " 29 00" // Subscription Identifiers Available 0
                + " 2A 01", // Shared Subscription Available 1
                client.read());
        assertTrue(client.isOpen());
        assertEquals(List.of("byte-counter", "flush-consolidation", "mqtt-decoder", "mqtt-encoder", "mqtt5"),
                client.handlerNames());
    }

    @Test
    void emptyClientIdWithCleanSessionGetsAGeneratedOne() {
        WireClient client = connectWith(broker, "10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00");

        assertEquals(ACCEPTED, client.read());
        assertTrue(client.isOpen());
        assertEquals(1, broker.registry().size());
        String generated = broker.registry().all().iterator().next().clientId();
        assertFalse(generated.isEmpty());
    }

    @Test
    void twoEmptyClientIdsGetDifferentSessions() {
        WireClient a = connectWith(broker, "10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00");
        WireClient b = connectWith(broker, "10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00");

        assertEquals(ACCEPTED, a.read());
        assertEquals(ACCEPTED, b.read());
        assertTrue(a.isOpen(), "the second empty id must not take the first one's session over");
        assertEquals(2, broker.registry().size());
    }

    @Test
    void emptyClientIdWithCleanSession0IsRejected() {
        WireClient client = connectWith(broker, "10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00");

        assertEquals("20 02 00 02", client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.registry().size());
    }

    @Test
    void clientIdLongerThanTheLimitIsRejected() {
        TestEngine small = TestEngine.defaults().maxClientIdLength(4).build();

        WireClient tooLong = connectWith(small, Packets.connect("abcde", true, 60));
        assertEquals("20 02 00 02", tooLong.read());
        assertFalse(tooLong.isOpen());

        WireClient atLimit = connectWith(small, Packets.connect("abcd", true, 60));
        assertEquals(ACCEPTED, atLimit.read());
        assertTrue(atLimit.isOpen());
    }

    @Test
    void clientIdLimitCountsCharactersNotBytes() {
        TestEngine small = TestEngine.defaults().maxClientIdLength(4).build();
        // Four characters, eight UTF-8 bytes.
        WireClient client = connectWith(small, Packets.connect("\u00e9\u00e9\u00e9\u00e9", true, 60));

        assertEquals(ACCEPTED, client.read());
    }

    @Test
    void mqtt31ClientIdLongerThanTheLimitIsRejected() {
        TestEngine small = TestEngine.defaults().maxClientIdLength(4).build();
        // MQTT 3.1, client id "abcde".
        WireClient client = connectWith(small, "10 13 00 06 4D 51 49 73 64 70 03 02 00 3C 00 05 61 62 63 64 65");

        assertEquals("20 02 00 02", client.read());
        assertFalse(client.isOpen());
    }

    /** Will flag, will QoS 0, clean session; payload: id "c1", will topic "w", will message "by". */
    private static final String CONNECT_WITH_WILL =
            "10 15 00 04 4D 51 54 54 04 06 00 3C 00 02 63 31 00 01 77 00 02 62 79";

    @Test
    void willIsRefusedWithReturnCode5ByDefault() {
        WireClient client = connectWith(broker, CONNECT_WITH_WILL);

        assertEquals("20 02 00 05", client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"));
    }

    @Test
    void willIsAcceptedAndDiscardedWhenIgnored() {
        TestEngine ignoring = TestEngine.defaults().willMessages(WillPolicy.IGNORE).build();
        WireClient subscriber = WireClient.connect(ignoring, "sub", true);
        subscriber.send(Packets.subscribe(1, "#", 1));
        assertEquals("90 03 00 01 01", subscriber.read());

        WireClient client = connectWith(ignoring, CONNECT_WITH_WILL);
        assertEquals(ACCEPTED, client.read());
        assertTrue(client.isOpen());

        client.drop(); // an unclean end would publish a will: it must never be sent
        assertEquals("", subscriber.read());
    }

    @Test
    void badCredentialsGetReturnCode4() {
        TestEngine strict = TestEngine.defaults().authenticator(request -> AuthResult.BAD_CREDENTIALS).build();
        // User name flag and password flag set; user "u", password "p".
        WireClient client = connectWith(strict,
                "10 14 00 04 4D 51 54 54 04 C2 00 3C 00 02 63 31 00 01 75 00 01 70");

        assertEquals("20 02 00 04", client.read());
        assertFalse(client.isOpen());
    }

    @Test
    void notAuthorizedGetsReturnCode5() {
        TestEngine strict = TestEngine.defaults().authenticator(request -> AuthResult.NOT_AUTHORIZED).build();
        WireClient client = connectWith(strict, Packets.connect("c1", true, 60));

        assertEquals("20 02 00 05", client.read());
        assertFalse(client.isOpen());
    }

    @Test
    void authenticatorSeesUserNamePasswordLevelAndTransport() {
        var seen = new java.util.ArrayList<io.ternmq.core.auth.ConnectRequest>();
        TestEngine recording = TestEngine.defaults().authenticator(request -> {
            seen.add(request);
            return AuthResult.ACCEPTED;
        }).build();
        WireClient client = connectWith(recording,
                "10 14 00 04 4D 51 54 54 04 C2 00 3C 00 02 63 31 00 01 75 00 01 70");

        assertEquals(ACCEPTED, client.read());
        assertEquals(1, seen.size());
        assertEquals("c1", seen.get(0).clientId());
        assertEquals("u", seen.get(0).username());
        assertEquals("p", new String(seen.get(0).password(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(4, seen.get(0).protocolLevel());
        assertEquals("tcp", seen.get(0).transport());
    }

    // MQTT-3.1.4-5 and the note before it: a client may send packets right after CONNECT without waiting for
    // CONNACK; if the CONNECT is accepted they are processed, if it is rejected nothing after it is.

    @Test
    void packetsPipelinedAfterAnAcceptedConnectAreProcessed() {
        WireClient client = WireClient.open(broker);
        client.send(Packets.connect("c1", true, 60) + " 82 08 00 01 00 03 61 2F 62 01 C0 00");

        assertEquals("20 02 00 00 90 03 00 01 01 D0 00", client.read());
        assertEquals(1, broker.subscriptionCount());
    }

    @Test
    void publishPipelinedAfterARefusedConnectIsIgnoredAndTheRefusalStillArrives() {
        WireClient subscriber = WireClient.connect(broker, "sub", true);
        subscriber.send(Packets.subscribe(1, "a/b", 1));
        subscriber.read();

        WireClient client = WireClient.open(broker);
        client.send(CONNECT_WITH_WILL + " 30 07 00 03 61 2F 62 68 69");

        assertEquals("20 02 00 05", client.read());
        assertFalse(client.isOpen());
        assertEquals("", subscriber.read());
    }

    @Test
    void connectPipelinedAfterARefusedConnectIsIgnored() {
        WireClient existing = WireClient.connect(broker, "c2", true);

        WireClient client = WireClient.open(broker);
        client.send(CONNECT_WITH_WILL + " " + Packets.connect("c2", true, 60));

        assertEquals("20 02 00 05", client.read());
        assertFalse(client.isOpen());
        assertTrue(existing.isOpen(), "a connection that was refused must not take a session over");
        assertEquals(1, broker.metrics().connectionsAccepted.sum(), "only the existing c2 was accepted");
    }
}
