package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.config.BrokerConfig;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.topic.TopicTrie;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sessions of a multi-stream QUIC connection's data streams ({@link SessionRegistry#streamSession}): their
 * own subscriptions in the trie beside the connection session's, their own queue and window, the client id
 * shared, nothing in the registry, and their end touching nothing but themselves. Owners run inline.
 */
class StreamSessionTest {

    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final InMemorySessionStore store = new InMemorySessionStore(100, 1 << 20);
    private final Router router = new Router(trie, new PlatformPolicy(BrokerConfig.defaults().platform(),
            BrokerConfig.defaults().limits()), metrics, store);
    private final SessionRegistry registry = new SessionRegistry(new SessionOwners(0, 16), store, trie, router,
            metrics, 2, Duration.ZERO);

    /** The connection session of "dev" on {@code control}, then a data stream's session on each of {@code streams}. */
    private Session[] connected(FakeConnection control, FakeConnection... streams) {
        Session[] sessions = new Session[streams.length + 1];
        sessions[0] = registry.attach("dev", true, 0, control).session();
        for (int i = 0; i < streams.length; i++) {
            sessions[i + 1] = registry.streamSession(sessions[0], streams[i], 9);
        }
        return sessions;
    }

    private List<Subscriber> matches(String topic) {
        List<Subscriber> found = new ArrayList<>();
        trie.match(topic, found::add);
        return found;
    }

    private static Delivery qos1(String topic, String payload) {
        return new Delivery(new PublishMessage(topic, 1, payload.getBytes(StandardCharsets.UTF_8), "pub"), 1);
    }

    @Test
    void aStreamSubscribesBesideItsConnectionAndEndsAlone() {
        FakeConnection control = new FakeConnection();
        FakeConnection streamConnection = new FakeConnection();
        Session main = registry.attach("dev", true, 0, control).session();
        Session stream = registry.streamSession(main, streamConnection, 9);
        main.subscribe("a/b", 1);
        stream.subscribe("a/b", 1); // the same filter on both: two subscriptions, not one replaced

        assertEquals(2, matches("a/b").size());
        assertEquals("dev", stream.clientId(), "No Local, RRPC and the trace see the client");
        assertSame(main, registry.get("dev"), "the registry knows one session for the client id");
        assertEquals(1, registry.size());

        registry.detached(stream, streamConnection); // the stream closed
        List<Subscriber> left = matches("a/b");
        assertEquals(1, left.size());
        assertSame(main, left.get(0).session(), "the connection's own subscription stays");
        assertSame(main, registry.get("dev"));
        assertSame(control, main.connection());
    }

    @Test
    void aStreamThatCannotTakeMoreHoldsUpNeitherItsConnectionNorAnotherStream() {
        FakeConnection control = new FakeConnection();
        FakeConnection stalledConnection = new FakeConnection();
        FakeConnection freeConnection = new FakeConnection();
        Session[] sessions = connected(control, stalledConnection, freeConnection);
        Session main = sessions[0];
        Session stalled = sessions[1];
        Session free = sessions[2];
        stalledConnection.writable(false);

        for (int i = 0; i < 10; i++) {
            stalled.deliver(qos1("s", "m" + i));
        }
        free.deliver(qos1("f", "x"));
        main.deliver(qos1("c", "y"));

        assertEquals(10, stalled.queued());
        assertEquals(List.of("f x qos=1 id=1"), freeConnection.take(), "packet ids are each stream's own");
        assertEquals(List.of("c y qos=1 id=1"), control.take());

        stalledConnection.writable(true);
        stalled.writable();
        assertEquals(List.of("s m0 qos=1 id=1", "s m1 qos=1 id=2"), stalledConnection.take(), "its own window of 2");
    }

    /**
     * Two data streams of one client in one shared group: what the one that closes had in flight goes to the
     * other, a member like any other though it has the same client id.
     */
    @Test
    void aClosingStreamsSharedDeliveriesGoToTheOtherStream() {
        FakeConnection firstConnection = new FakeConnection();
        FakeConnection secondConnection = new FakeConnection();
        Session[] sessions = connected(new FakeConnection(), firstConnection, secondConnection);
        Session first = sessions[1];
        Session second = sessions[2];
        first.subscribe("$share/g/t", 1);
        second.subscribe("$share/g/t", 1);

        assertEquals(1, router.route(new PublishMessage("t", 1, "m".getBytes(StandardCharsets.UTF_8), "pub")));
        List<String> toFirst = firstConnection.take();
        List<String> toSecond = secondConnection.take();
        assertEquals(1, toFirst.size() + toSecond.size(), "one member of the group: " + toFirst + toSecond);
        Session holder = toFirst.isEmpty() ? second : first;
        Session other = holder == first ? second : first;
        FakeConnection otherConnection = other == first ? firstConnection : secondConnection;

        registry.detached(holder, holder == first ? firstConnection : secondConnection); // unacknowledged
        assertEquals(List.of("t m qos=1 id=1"), otherConnection.take(), "redelivered to the client's other stream");
        assertEquals(0, metrics.droppedNoShareMember.sum());
    }

    @Test
    void eachStreamGetsItsShareOfTheQueueBounds() {
        Session main = registry.attach("dev", true, 0, new FakeConnection()).session();
        FakeConnection stalledConnection = new FakeConnection();
        Session stalled = registry.streamSession(main, stalledConnection, 4);
        stalledConnection.writable(false);
        for (int i = 0; i < 40; i++) {
            stalled.deliver(qos1("s", "m" + i));
        }
        assertEquals(25, stalled.queued(), "100 messages a session, a quarter a stream");
        assertEquals(15, metrics.droppedQueueFull.sum());
    }

    /** A closing connection's stream must not take out the subscription of the same stream of its successor. */
    @Test
    void aClosingConnectionsStreamLeavesANewerConnectionsStreamAlone() {
        FakeConnection oldControl = new FakeConnection();
        FakeConnection oldStream = new FakeConnection();
        Session before = registry.attach("dev", true, 0, oldControl).session();
        Session oldStreamSession = registry.streamSession(before, oldStream, 9);
        oldStreamSession.subscribe("t", 1);

        FakeConnection newStream = new FakeConnection();
        Session after = registry.attach("dev", true, 0, new FakeConnection()).session(); // takes the id over
        Session newStreamSession = registry.streamSession(after, newStream, 9);
        newStreamSession.subscribe("t", 1); // before the old connection's stream has closed
        registry.detached(oldStreamSession, oldStream);

        List<Subscriber> left = matches("t");
        assertEquals(1, left.size());
        assertSame(newStreamSession, left.get(0).session());
    }
}
