package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Identity;
import io.ternmq.core.auth.Permissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Sign-in off the event loop (packets behind the CONNECT wait for it, a full executor refuses with 0x89 / 0x03),
 * what a signed-in client may publish, subscribe and receive, and one connection per device.
 */
class SignInTest {

    /** May publish and subscribe under own/ only. */
    private static final Permissions OWN = new Permissions() {
        @Override
        public boolean mayPublish(String topic) {
            return topic.startsWith("own/");
        }

        @Override
        public boolean maySubscribe(String filter) {
            return filter.startsWith("own/");
        }
    };

    /** Clients named "sub..." get everything; the others only their own topics. */
    private static final Authenticator CONFINED = request -> request.clientId().startsWith("sub")
            ? AuthResult.ACCEPTED : AuthResult.accepted(new Identity("test", request.clientId(), null, OWN));

    @Test
    void packetsSentWithTheConnectWaitForItsSignInAndThenRunInOrder() {
        List<Runnable> signIns = new ArrayList<>();
        TestEngine broker = TestEngine.defaults().authenticator(CONFINED).signInExecutor(signIns::add).build();
        WireClient client = WireClient.open(broker);
        client.send(Packets.connect("dev", true, 60) + " " + Packets.subscribe(1, "own/x", 1)
                + " " + Packets.publish("own/x", 1, 2, "hi"));

        assertEquals("", client.read(), "nothing is answered before the sign-in is judged");
        assertFalse(client.channel().config().isAutoRead(), "and nothing more is read meanwhile");
        assertEquals(1, signIns.size());
        signIns.remove(0).run();

        assertEquals("20 02 00 00 90 03 00 01 01 32 0B 00 05 6F 77 6E 2F 78 00 01 68 69 40 02 00 02",
                client.read(), "CONNACK, then SUBACK, the message to itself and its PUBACK, in order");
        assertTrue(client.channel().config().isAutoRead());
    }

    @Test
    void slowSignInsWaitInAQueueOfTheirOwn() {
        List<Runnable> quick = new ArrayList<>();
        List<Runnable> slow = new ArrayList<>();
        Authenticator hashing = new Authenticator() {
            @Override
            public AuthResult authenticate(io.ternmq.core.auth.ConnectRequest request) {
                return AuthResult.ACCEPTED;
            }

            @Override
            public boolean slow(io.ternmq.core.auth.ConnectRequest request) {
                return request.clientId().startsWith("hash");
            }
        };
        TestEngine broker = TestEngine.defaults().authenticator(hashing).signInExecutor(quick::add)
                .slowSignInExecutor(slow::add).build();
        WireClient hashed = WireClient.open(broker);
        hashed.send(Packets.connect("hash-1", true, 60));
        WireClient device = WireClient.open(broker);
        device.send(Packets.connect("dev-1", true, 60));

        assertEquals(1, slow.size(), "the password hash waits in the slow queue");
        assertEquals(1, quick.size(), "the device does not wait behind it");
        quick.remove(0).run();
        assertEquals("20 02 00 00", device.read(), "the quick one is answered while the slow one still waits");
        assertEquals("", hashed.read());
        slow.remove(0).run();
        assertEquals("20 02 00 00", hashed.read());
    }

    @Test
    void aRefusedSignInDropsWhatWasSentBehindIt() {
        List<Runnable> signIns = new ArrayList<>();
        TestEngine broker = TestEngine.defaults().authenticator(request -> AuthResult.BAD_CREDENTIALS)
                .signInExecutor(signIns::add).build();
        WireClient client = WireClient.open(broker);
        client.send(Packets.connect("dev", true, 60) + " " + Packets.subscribe(1, "own/x", 1));
        signIns.remove(0).run();

        assertEquals("20 02 00 04", client.read(), "the refusal only: the SUBSCRIBE is not acted on");
        assertFalse(client.isOpen());
        assertEquals(0, broker.subscriptionCount());
    }

    @Test
    void aFullSignInQueueRefusesWithServerUnavailableOrServerBusy() {
        TestEngine broker = TestEngine.defaults().authenticator(CONFINED).signInExecutor(task -> {
            throw new RejectedExecutionException("full");
        }).build();
        WireClient mqtt3 = WireClient.open(broker);
        mqtt3.send(Packets.connect("dev", true, 60));
        assertEquals("20 02 00 03", mqtt3.read(), "3.1.1: 0x03 Server unavailable");
        assertFalse(mqtt3.isOpen());

        WireClient mqtt5 = WireClient.open(broker);
        mqtt5.send(Packets5.connect("dev", true, 60, props()));
        assertEquals(0x89, Mqtt5Wire.connAck(mqtt5.read()).reasonCode(), "5.0: 0x89 Server busy");
        assertEquals(2, broker.metrics().signInsBusy.sum());
    }

    @Test
    void aBannedAddressGets0x8AIn5And0x05In3() {
        TestEngine broker = TestEngine.defaults()
                .authenticator(request -> AuthResult.refused(AuthResult.Outcome.BANNED, "too many failed sign-ins"))
                .build();
        WireClient mqtt5 = WireClient.open(broker);
        mqtt5.send(Packets5.connect("dev", true, 60, props()));
        assertEquals(0x8A, Mqtt5Wire.connAck(mqtt5.read()).reasonCode());
        WireClient mqtt3 = WireClient.open(broker);
        mqtt3.send(Packets.connect("dev", true, 60));
        assertEquals("20 02 00 05", mqtt3.read());
    }

    @Test
    void aDeniedPublishIsNotDeliveredAnd5IsToldWith0x87() {
        TestEngine broker = TestEngine.defaults().authenticator(CONFINED).build();
        WireClient subscriber = WireClient.connect(broker, "sub", true);
        subscriber.send(Packets.subscribe(1, "#", 1));
        assertEquals("90 03 00 01 01", subscriber.read());

        WireClient mqtt5 = Mqtt5Wire.connect(broker, "dev5");
        mqtt5.send(Packets5.publish("other/x", 1, 7, props(), "no"));
        assertEquals(Packets5.puback(7, 0x87, "not authorized to publish to this topic"), mqtt5.read());
        WireClient mqtt3 = WireClient.connect(broker, "dev3", true);
        mqtt3.send(Packets.publish("other/x", 1, 8, "no"));
        assertEquals("40 02 00 08", mqtt3.read(), "3.x has no negative PUBACK: acknowledged, not delivered");
        mqtt3.send(Packets.publish("other/x", 0, 0, "no"));
        assertEquals("", subscriber.read(), "none of them reached the subscriber");
        assertEquals(3, broker.metrics().publishesDenied.sum());
        assertTrue(mqtt5.isOpen() && mqtt3.isOpen(), "a denied publish does not end the connection");

        mqtt3.send(Packets.publish("own/x", 0, 0, "yes"));
        assertEquals(Packets.publish("own/x", 0, 0, "yes"), subscriber.read(), "its own topic is delivered");
    }

    @Test
    void aDeniedFilterGets0x87In5And0x80In311AndTheOthersAreGranted() {
        TestEngine broker = TestEngine.defaults().authenticator(CONFINED).build();
        WireClient mqtt5 = Mqtt5Wire.connect(broker, "dev5");
        mqtt5.send(Packets5.subscribe(1, props(), "#", 0x01, "own/#", 0x01));
        assertEquals(Hex.normalise("90 05 00 01 00 87 01"), mqtt5.read());
        WireClient mqtt3 = WireClient.connect(broker, "dev3", true);
        mqtt3.send(Packets.subscribe(2, "other/+", 1));
        assertEquals("90 03 00 02 80", mqtt3.read());
        assertEquals(1, broker.subscriptionCount());
        assertEquals(2, broker.metrics().subscriptionsDenied.sum());
    }

    @Test
    void readRulesAreCheckedAgainAtDelivery() {
        Permissions noSecrets = new Permissions() {
            @Override
            public boolean mayPublish(String topic) {
                return true;
            }

            @Override
            public boolean maySubscribe(String filter) {
                return true;
            }

            @Override
            public boolean mayReceive(String topic) {
                return !topic.equals("a/secret");
            }

            @Override
            public boolean checksDelivery() {
                return true;
            }
        };
        TestEngine broker = TestEngine.defaults().authenticator(request -> request.clientId().equals("reader")
                ? AuthResult.accepted(new Identity("test", "reader", null, noSecrets)) : AuthResult.ACCEPTED).build();
        WireClient reader = WireClient.connect(broker, "reader", true);
        reader.send(Packets.subscribe(1, "a/#", 1));
        assertEquals("90 03 00 01 01", reader.read());
        WireClient writer = WireClient.connect(broker, "writer", true);
        writer.send(Packets.publish("a/secret", 0, 0, "s"));
        writer.send(Packets.publish("a/open", 0, 0, "o"));

        assertEquals(Packets.publish("a/open", 0, 0, "o"), reader.read());
        assertEquals(1, broker.metrics().deliveriesDenied.sum());
    }

    @Test
    void aDeviceSigningInAgainUnderAnotherClientIdTakesItsConnectionOver() {
        DeviceId device = new DeviceId("pk", "dn");
        TestEngine.Builder builder = TestEngine.defaults().authenticator(request ->
                AuthResult.accepted(new Identity("device", device.toString(), device, Permissions.ALL)));
        TestEngine broker = builder.build();
        WireClient first = Mqtt5Wire.connect(broker, "id-1");
        assertNotNull(builder.presence().connection(device));

        WireClient second = Mqtt5Wire.connect(broker, "id-2");
        assertEquals(0x8E, Mqtt5Wire.disconnect(first.read()).reasonCode(), "the old connection is told 0x8E");
        assertFalse(first.isOpen());
        assertTrue(second.isOpen());
        assertEquals(1, builder.presence().takenOver());
        assertEquals(1, builder.presence().online());

        second.drop();
        assertNull(builder.presence().connection(device), "offline once its last connection closed");
    }

    @Test
    void anotherIdentityCannotTakeASessionByItsClientId() {
        TestEngine broker = TestEngine.defaults().authenticator(request -> AuthResult.accepted(new Identity("test",
                request.username(), null, Permissions.ALL))).build();
        WireClient owner = WireClient.open(broker);
        owner.send("10 19 00 04 4D 51 54 54 04 C2 00 3C 00 03 63 69 64 00 05 61 6C 69 63 65 00 01 70");
        assertEquals("20 02 00 00", owner.read(), "alice signs in as cid");
        WireClient thief = WireClient.open(broker);
        thief.send("10 19 00 04 4D 51 54 54 04 C2 00 3C 00 03 63 69 64 00 05 6D 61 6C 6C 79 00 01 70");
        assertEquals("20 02 00 02", thief.read(), "mally presenting alice's client id: identifier rejected");
        assertTrue(owner.isOpen(), "alice keeps her session and her connection");
        WireClient again = WireClient.open(broker);
        again.send("10 19 00 04 4D 51 54 54 04 C2 00 3C 00 03 63 69 64 00 05 61 6C 69 63 65 00 01 70");
        assertEquals("20 02 00 00", again.read(), "alice herself takes it over, as MQTT says");
    }
}
