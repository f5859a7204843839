package io.ternmq.core.protocol;

import static io.ternmq.core.protocol.Packets5.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ternmq.core.message.UserProperty;
import io.ternmq.core.trace.TraceEvent;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The message trace of a traced client: every CONNECT and PUBLISH the broker accepts is kept in the in-memory ring
 * with the client id, protocol version, topic, QoS, payload size and user properties; refused ones are not.
 */
class Mqtt5TraceTest {

    private final TestEngine broker = TestEngine.start();

    @BeforeEach
    void traceTheDevices() {
        for (String id : new String[] {"dev-1", "dev-2", "old"}) {
            broker.trace().traceClient(id, true);
        }
    }

    @Test
    void recentEventsHoldTheConnectAndThePublishWithItsUserProperties() {
        WireClient client = Mqtt5Wire.connect(broker, "dev-1", true, props().user("model", "x1"));
        client.send(Packets5.publish("a/b", 1, 7, props().user("k1", "v1").user("k2", "v2").user("k1", "v3"),
                "hello"));
        assertEquals(Packets5.puback(7), client.read());

        List<TraceEvent> events = broker.trace().recent("dev-1", 10);

        assertEquals(2, events.size(), events.toString());
        TraceEvent publish = events.get(0); // newest first
        assertEquals(TraceEvent.Kind.PUBLISH, publish.kind());
        assertEquals("dev-1", publish.clientId());
        assertEquals(5, publish.protocolLevel());
        assertEquals("tcp", publish.transport());
        assertEquals("a/b", publish.topic());
        assertEquals(1, publish.qos());
        assertEquals(5, publish.payloadBytes());
        assertEquals(List.of(new UserProperty("k1", "v1"), new UserProperty("k2", "v2"),
                new UserProperty("k1", "v3")), publish.userProperties());
        TraceEvent connect = events.get(1);
        assertEquals(TraceEvent.Kind.CONNECT, connect.kind());
        assertEquals("dev-1", connect.clientId());
        assertEquals(5, connect.protocolLevel());
        assertNull(connect.topic());
        assertEquals(List.of(new UserProperty("model", "x1")), connect.userProperties());
    }

    @Test
    void refusedPublishAndRefusedConnectAreNotTraced() {
        WireClient client = Mqtt5Wire.connect(broker, "dev-1");
        client.send(Packets5.publish("a/b", 1, 7, props().user("_k", "v"), "hi"));
        assertEquals(0x83, Mqtt5Wire.pubAck(client.read()).reasonCode());
        WireClient refused = WireClient.open(broker);
        refused.send(Packets5.connect("dev-2", true, 60, props().user("_k", "v")));
        assertEquals(0x83, Mqtt5Wire.connAck(refused.read()).reasonCode());

        assertEquals(List.of(TraceEvent.Kind.CONNECT),
                broker.trace().recent("dev-1", 10).stream().map(TraceEvent::kind).toList());
        assertEquals(List.of(), broker.trace().recent("dev-2", 10));
    }

    @Test
    void mqtt311EventsAreTracedWithTheirVersionAndNoProperties() {
        WireClient client = WireClient.connect(broker, "old", true);
        client.send(Packets.publish("a/b", 0, 0, "hi"));

        List<TraceEvent> events = broker.trace().recent("old", 10);

        assertEquals(2, events.size());
        assertEquals(4, events.get(0).protocolLevel());
        assertEquals("a/b", events.get(0).topic());
        assertEquals(2, events.get(0).payloadBytes());
        assertEquals(List.of(), events.get(0).userProperties());
    }
}
