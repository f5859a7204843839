package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.protocol.Mqtt5Wire.Publish;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shared subscriptions {@code $share/{group}/{filter}} for MQTT 5 and 3.1.1 members (PLATFORM.md 4, issue 3 item
 * 5): each message goes to one online member, round robin; a QoS 1 message a member took and never acknowledged
 * goes to another member when it leaves.
 */
class SharedSubscriptionTest {

    private static final String SHARED = "$share/g/t/#";

    private final TestEngine broker = TestEngine.start();
    private final WireClient pub = Mqtt5Wire.connect(broker, "pub");

    /** A 3.1.1 client subscribed to filter. */
    private WireClient mqtt311Member(String clientId, String filter) {
        WireClient client = WireClient.connect(broker, clientId, true);
        client.send(Packets.subscribe(1, filter, 1));
        assertEquals("90 03 00 01 01", client.read());
        return client;
    }

    private WireClient mqtt5Member(String clientId, String filter) {
        WireClient client = Mqtt5Wire.connect(broker, clientId);
        Mqtt5Wire.subscribe(client, 1, filter, 0x01);
        return client;
    }

    @Test
    void eachMessageGoesToOneMemberRoundRobinAndOrdinarySubscribersGetAll() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        WireClient m2 = mqtt5Member("m2", SHARED);
        WireClient m3 = mqtt311Member("m3", SHARED);
        WireClient ordinary = mqtt5Member("ordinary", "t/#");

        List<String> receivers = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            pub.send(Packets5.publish("t/x", 0, 0, props(), "m" + i));
            String got1 = m1.read();
            String got2 = m2.read();
            String got3 = m3.read();
            int delivered = (got1.isEmpty() ? 0 : 1) + (got2.isEmpty() ? 0 : 1) + (got3.isEmpty() ? 0 : 1);
            assertEquals(1, delivered, "message " + i + " must reach exactly one member");
            if (!got1.isEmpty()) {
                assertEquals(Packets5.publish("t/x", 0, 0, props(), "m" + i), got1);
                receivers.add("m1");
            } else if (!got2.isEmpty()) {
                assertEquals(Packets5.publish("t/x", 0, 0, props(), "m" + i), got2);
                receivers.add("m2");
            } else {
                assertEquals(Packets.publish("t/x", 0, 0, "m" + i), got3); // 3.1.1: no property block
                receivers.add("m3");
            }
            assertEquals(Packets5.publish("t/x", 0, 0, props(), "m" + i), ordinary.read());
        }

        for (String member : List.of("m1", "m2", "m3")) {
            assertEquals(2, receivers.stream().filter(member::equals).count(), member + " in " + receivers);
        }
        assertEquals(receivers.subList(0, 3), receivers.subList(3, 6), "round robin repeats its order");
    }

    @Test
    void qos1SharedDeliveryGoesAtQos1AndIsAcknowledgedByTheMember() {
        WireClient m1 = mqtt5Member("m1", SHARED);

        pub.send(Packets5.publish("t/x", 1, 7, props().user("k", "v"), "hi"));

        assertEquals(Packets5.puback(7), pub.read());
        assertEquals(Packets5.publish("t/x", 1, 1, props().user("k", "v"), "hi"), m1.read());
        m1.send(Packets5.puback(1));
        assertEquals(0, broker.registry().get("m1").inflight());
    }

    @Test
    void twoGroupsOnTheSameFilterEachGetEveryMessageOnce() {
        WireClient a = mqtt5Member("a", "$share/g1/t/#");
        WireClient b = mqtt5Member("b", "$share/g2/t/#");

        pub.send(Packets5.publish("t/x", 0, 0, props(), "hi"));

        assertEquals(Packets5.publish("t/x", 0, 0, props(), "hi"), a.read());
        assertEquals(Packets5.publish("t/x", 0, 0, props(), "hi"), b.read());
    }

    @Test
    void invalidShareNamesGet0x8F() {
        WireClient client = Mqtt5Wire.connect(broker, "c1");

        client.send(Packets5.subscribe(1, props(), "$share//t", 0x01, "$share/g", 0x01, "$share/g+/t", 0x01,
                "$share/g#/t", 0x01, "$share/g/t/#", 0x01));

        assertEquals(Hex.normalise("90 08 00 01 00 8F 8F 8F 8F 01"), client.read());
        assertEquals(1, broker.subscriptionCount());
    }

    @Test
    void invalidShareNameGets0x80ForAnMqtt311Client() {
        WireClient client = WireClient.connect(broker, "c1", true);

        client.send(Packets.subscribe(1, "$share/g", 1));

        assertEquals("90 03 00 01 80", client.read());
        assertEquals(0, broker.subscriptionCount());
    }

    @Test
    void unacknowledgedQos1MessageOfADepartedMemberGoesToAnotherMember() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        WireClient m2 = mqtt5Member("m2", SHARED);

        pub.send(Packets5.publish("t/x", 1, 7, props(), "hold"));
        assertEquals(Packets5.puback(7), pub.read());
        String first = m1.read();
        String second = m2.read();
        assertTrue(first.isEmpty() != second.isEmpty(), "exactly one member took it: " + first + " | " + second);
        WireClient taker = first.isEmpty() ? m2 : m1;
        WireClient other = first.isEmpty() ? m1 : m2;
        assertEquals(Packets5.publish("t/x", 1, 1, props(), "hold"), first.isEmpty() ? second : first);

        taker.drop(); // gone without PUBACK

        Publish redelivered = Mqtt5Wire.publish(Mqtt5Wire.single(other.read()));
        assertEquals("t/x", redelivered.topic());
        assertEquals("hold", redelivered.payloadText());
        assertEquals(1, redelivered.qos());
        other.send(Packets5.puback(redelivered.packetId()));
        assertEquals(0, broker.metrics().droppedNoShareMember.sum());
    }

    @Test
    void unacknowledgedMessageOfADepartedMqtt311MemberGoesToAnMqtt5Member() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        WireClient m2 = mqtt311Member("m2", SHARED);
        // Round robin in client-id order: the first message goes to m1, the second to m2.
        pub.send(Packets5.publish("t/x", 1, 7, props(), "one"));
        assertEquals(Packets5.publish("t/x", 1, 1, props(), "one"), m1.read());
        m1.send(Packets5.puback(1));
        pub.send(Packets5.publish("t/x", 1, 8, props(), "two"));
        assertEquals(Packets.publish("t/x", 1, 1, "two"), m2.read());

        m2.send("E0 00"); // a clean DISCONNECT, still without the PUBACK

        assertEquals(Packets5.publish("t/x", 1, 2, props(), "two"), m1.read());
    }

    @Test
    void acknowledgedMessageIsNotRedelivered() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        WireClient m2 = mqtt5Member("m2", SHARED);
        pub.send(Packets5.publish("t/x", 1, 7, props(), "done"));
        assertEquals(Packets5.publish("t/x", 1, 1, props(), "done"), m1.read());
        m1.send(Packets5.puback(1));

        m1.drop();

        assertEquals("", m2.read());
    }

    @Test
    void lastMemberLeavingWithAnUnacknowledgedMessageDropsItAndCountsIt() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        pub.send(Packets5.publish("t/x", 1, 7, props(), "lost"));
        assertEquals(Packets5.publish("t/x", 1, 1, props(), "lost"), m1.read());

        m1.drop();

        assertEquals(1, broker.metrics().droppedNoShareMember.sum());
    }

    @Test
    void unsubscribedMemberLeavesTheGroup() {
        WireClient m1 = mqtt5Member("m1", SHARED);
        WireClient m2 = mqtt5Member("m2", SHARED);
        m1.send(Packets5.unsubscribe(2, SHARED));
        assertEquals(Hex.normalise("B0 04 00 02 00 00"), m1.read());

        for (int i = 0; i < 3; i++) {
            pub.send(Packets5.publish("t/x", 0, 0, props(), "m" + i));
            assertEquals(Packets5.publish("t/x", 0, 0, props(), "m" + i), m2.read());
        }
        assertEquals("", m1.read());
    }
}
