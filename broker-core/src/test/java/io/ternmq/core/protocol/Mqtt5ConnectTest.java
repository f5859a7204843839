package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.WillPolicy;
import io.ternmq.core.protocol.Mqtt5Wire.ConnAck;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An MQTT 5 CONNECT and its CONNACK, byte for byte: the properties PLATFORM.md 3 promises every 5.0 client,
 * Server Keep Alive, Assigned Client Identifier, and each platform rule that refuses a CONNECT with its reason
 * code and Reason String.
 */
class Mqtt5ConnectTest {

    /** PLATFORM.md 3 with the defaults: Receive Maximum 32, Topic Alias Maximum 16, Maximum Packet Size 260 KiB. */
    private static final Map<Integer, Object> PLATFORM_PROPERTIES = Map.of(
            Packets5.RECEIVE_MAXIMUM, 32L,
            Packets5.TOPIC_ALIAS_MAXIMUM, 16L,
            Packets5.MAXIMUM_QOS, 1L,
            Packets5.RETAIN_AVAILABLE, 0L,
            Packets5.MAXIMUM_PACKET_SIZE, 266_240L,
            Packets5.WILDCARD_SUBSCRIPTION_AVAILABLE, 1L,
            Packets5.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0L,
            Packets5.SHARED_SUBSCRIPTION_AVAILABLE, 1L);

    private final TestEngine broker = TestEngine.start();

    /** Sends one CONNECT on a new connection; the caller reads the answer. */
    private WireClient open(TestEngine target, String connect) {
        WireClient client = WireClient.open(target);
        client.send(connect);
        return client;
    }

    /** The CONNECT is refused with exactly this CONNACK, then the connection is closed and no session exists. */
    private void assertRefused(String connect, int reasonCode, String reasonString) {
        WireClient client = open(broker, connect);

        assertEquals(Packets5.connAck(reasonCode, reasonString), client.read());
        assertFalse(client.isOpen());
        assertEquals(0, broker.registry().size());
        assertEquals(1, broker.metrics().connectionsRefused.sum());
        assertEquals(0, broker.metrics().connectionsAccepted.sum());
    }

    private static Packets5.Props userProperties(int count) {
        Packets5.Props p = props();
        for (int i = 1; i <= count; i++) {
            p.user(String.format("k%02d", i), "v" + i);
        }
        return p;
    }

    private static long readerIdleMillis(WireClient client) {
        return ((SessionPacketHandler) client.channel().pipeline().get(MqttPipelineInstaller.MQTT5))
                .keepaliveMillis();
    }

    // ---- accepted ----

    @Test
    void acceptedConnackCarriesThePlatformProperties() {
        WireClient client = open(broker, Packets5.connect("c1", true, 60, props()));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(0x00, ack.reasonCode());
        assertFalse(ack.sessionPresent());
        assertEquals(PLATFORM_PROPERTIES, ack.properties().asMap(), "no Server Keep Alive, no Assigned Client Id");
        assertEquals(List.of(), ack.properties().users());
        assertTrue(client.isOpen());
        assertNotNull(broker.registry().get("c1"));
    }

    @Test
    void keepaliveWithinTheRangeHasNoServerKeepAlive() {
        WireClient client = open(broker, Packets5.connect("c1", true, 60, props()));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertFalse(ack.properties().has(Packets5.SERVER_KEEP_ALIVE));
        assertEquals(90_000, readerIdleMillis(client));
    }

    @Test
    void keepaliveBelowTheMinimumIsReturnedAsServerKeepAlive30() {
        WireClient client = open(broker, Packets5.connect("c1", true, 5, props()));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(0x00, ack.reasonCode());
        assertEquals(30, ack.properties().integer(Packets5.SERVER_KEEP_ALIVE));
        assertEquals(45_000, readerIdleMillis(client), "the broker enforces what it told the client");
    }

    @Test
    void keepaliveZeroIsReturnedAsServerKeepAlive1200() {
        WireClient client = open(broker, Packets5.connect("c1", true, 0, props()));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(1200, ack.properties().integer(Packets5.SERVER_KEEP_ALIVE));
        assertEquals(1_800_000, readerIdleMillis(client));
    }

    @Test
    void keepaliveAboveTheMaximumIsReturnedAsServerKeepAlive1200() {
        WireClient client = open(broker, Packets5.connect("c1", true, 5000, props()));

        assertEquals(1200, Mqtt5Wire.connAck(client.read()).properties().integer(Packets5.SERVER_KEEP_ALIVE));
    }

    @Test
    void emptyClientIdGetsAnAssignedClientIdentifier() {
        WireClient client = open(broker, Packets5.connect("", true, 60, props()));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(0x00, ack.reasonCode());
        String assigned = ack.properties().string(Packets5.ASSIGNED_CLIENT_IDENTIFIER);
        assertFalse(assigned.isEmpty());
        assertNotNull(broker.registry().get(assigned), "the session is kept under the id the client was told");
        assertEquals(1, broker.registry().size());
        Map<Integer, Object> others = new java.util.TreeMap<>(ack.properties().asMap());
        others.remove(Packets5.ASSIGNED_CLIENT_IDENTIFIER);
        assertEquals(PLATFORM_PROPERTIES, others);
    }

    @Test
    void emptyClientIdWithCleanStart0AlsoGetsAnAssignedClientIdentifier() {
        // MQTT 5 3.1.3.1: unlike 3.1.1 (CONNACK 0x02), 5.0 assigns an id whatever Clean Start says.
        WireClient client = open(broker, Packets5.connect("", false, 60,
                props().fourByte(Packets5.SESSION_EXPIRY_INTERVAL, 60)));

        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(0x00, ack.reasonCode());
        assertFalse(ack.sessionPresent());
        String assigned = ack.properties().string(Packets5.ASSIGNED_CLIENT_IDENTIFIER);
        assertNotNull(broker.registry().get(assigned));
        assertTrue(client.isOpen());
    }

    @Test
    void twoEmptyClientIdsGetDifferentAssignedIdentifiers() {
        WireClient a = open(broker, Packets5.connect("", true, 60, props()));
        WireClient b = open(broker, Packets5.connect("", true, 60, props()));

        String first = Mqtt5Wire.connAck(a.read()).properties().string(Packets5.ASSIGNED_CLIENT_IDENTIFIER);
        String second = Mqtt5Wire.connAck(b.read()).properties().string(Packets5.ASSIGNED_CLIENT_IDENTIFIER);
        assertFalse(first.equals(second));
        assertTrue(a.isOpen());
        assertEquals(2, broker.registry().size());
    }

    @Test
    void connectUserPropertiesWithinTheLimitsAreAccepted() {
        // 20 user properties, one of them key plus value exactly 128 characters.
        Packets5.Props p = userProperties(19).user("k", Packets5.repeat('v', 127));
        WireClient client = open(broker, Packets5.connect("c1", true, 60, p));

        assertEquals(0x00, Mqtt5Wire.connAck(client.read()).reasonCode());
        assertTrue(client.isOpen());
    }

    // ---- refused ----

    @Test
    void willIsRefusedWith0x83AndAReasonString() {
        assertRefused(Packets5.connectWithWill("c1", true, 60, props(), props(), "w", "by"),
                0x83, "will messages are not supported");
    }

    @Test
    void willIsAcceptedAndNeverPublishedWhenWillMessagesAreIgnored() {
        TestEngine ignoring = TestEngine.defaults().willMessages(WillPolicy.IGNORE).build();
        WireClient subscriber = Mqtt5Wire.connect(ignoring, "sub");
        Mqtt5Wire.subscribe(subscriber, 1, "#", 1);

        WireClient client = open(ignoring, Packets5.connectWithWill("c1", true, 60, props(), props(), "w", "by"));
        ConnAck ack = Mqtt5Wire.connAck(client.read());
        assertEquals(0x00, ack.reasonCode());
        assertEquals(0, ack.properties().integer(Packets5.RETAIN_AVAILABLE));
        assertTrue(client.isOpen());

        client.drop(); // an unclean end would publish a will: it must never be sent
        assertEquals("", subscriber.read());
    }

    @Test
    void twentyOneUserPropertiesAreRefusedWith0x83() {
        assertRefused(Packets5.connect("c1", true, 60, userProperties(21)), 0x83, "more than 20 user properties");
    }

    @Test
    void userPropertyKeyStartingWithUnderscoreIsRefusedWith0x83() {
        assertRefused(Packets5.connect("c1", true, 60, props().user("a", "1").user("_k", "v")),
                0x83, "user property key '_k' starts with '_'");
    }

    @Test
    void userPropertyOf129CharactersIsRefusedWith0x83() {
        assertRefused(Packets5.connect("c1", true, 60, props().user("k", Packets5.repeat('v', 128))),
                0x83, "user property 'k' is longer than 128 characters (key plus value)");
    }

    @Test
    void authenticationMethodIsRefusedWith0x8C() {
        assertRefused(Packets5.connect("c1", true, 60, props().string(Packets5.AUTHENTICATION_METHOD, "SCRAM-SHA-1")),
                0x8C, "enhanced authentication is not supported");
    }

    @Test
    void receiveMaximum0IsAProtocolError() {
        assertRefused(Packets5.connect("c1", true, 60, props().twoByte(Packets5.RECEIVE_MAXIMUM, 0)),
                0x82, "protocol error in CONNECT: Receive Maximum is 0");
    }

    @Test
    void maximumPacketSize0IsAProtocolError() {
        assertRefused(Packets5.connect("c1", true, 60, props().fourByte(Packets5.MAXIMUM_PACKET_SIZE, 0)),
                0x82, "protocol error in CONNECT: Maximum Packet Size is 0");
    }

    @Test
    void clientIdOf129CharactersIsRefusedWith0x85() {
        assertRefused(Packets5.connect(Packets5.repeat('c', 129), true, 60, props()),
                0x85, "client id longer than limits.max-client-id-length");
    }

    @Test
    void clientIdOf128CharactersIsAccepted() {
        String id = Packets5.repeat('c', 128);
        WireClient client = open(broker, Packets5.connect(id, true, 60, props()));

        assertEquals(0x00, Mqtt5Wire.connAck(client.read()).reasonCode());
        assertNotNull(broker.registry().get(id));
    }

    @Test
    void malformedPropertyInConnectGetsConnack0x81OrAClose() {
        // Level 5, property block of 2 bytes holding property id 0x7F, which MQTT 5 does not define.
        WireClient client = open(broker, Packets5.connect("c1", true, 60, props().raw("7F 00")));

        String out = client.read();
        assertTrue(out.isEmpty() || Mqtt5Wire.connAck(out).reasonCode() == 0x81,
                "a malformed CONNECT gets CONNACK 0x81 or nothing, not: " + out);
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c1"));
        assertEquals(0, broker.metrics().connectionsAccepted.sum());
    }

    @Test
    void secondConnectOnAConnectionGetsDisconnect0x82() {
        WireClient client = Mqtt5Wire.connect(broker, "c1");

        client.send(Packets5.connect("c2", true, 60, props()));

        assertEquals(Packets5.disconnect(0x82, "second CONNECT on one connection"), client.read());
        assertFalse(client.isOpen());
        assertNull(broker.registry().get("c2"));
    }

    @Test
    void publishPipelinedAfterARefusedConnectIsNotDelivered() {
        WireClient subscriber = Mqtt5Wire.connect(broker, "sub");
        Mqtt5Wire.subscribe(subscriber, 1, "a/b", 1);

        WireClient client = WireClient.open(broker);
        client.send(Packets5.connect("c1", true, 60, props().twoByte(Packets5.RECEIVE_MAXIMUM, 0))
                + " " + Packets5.publish("a/b", 0, 0, props(), "hi"));

        assertEquals(Packets5.connAck(0x82, "protocol error in CONNECT: Receive Maximum is 0"), client.read());
        assertFalse(client.isOpen());
        assertEquals("", subscriber.read());
    }
}
