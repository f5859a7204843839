package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
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
    private final SessionRegistry registry = new SessionRegistry(new SessionOwners(0, 16),
            new InMemorySessionStore(100, 1 << 20), trie, (orphans, clientId) -> orphans, new BrokerMetrics(), 2,
            Duration.ZERO);

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
        Session stream = registry.streamSession(main, "4", streamConnection);
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
        Session main = registry.attach("dev", true, 0, control).session();
        Session stalled = registry.streamSession(main, "4", stalledConnection);
        Session free = registry.streamSession(main, "8", freeConnection);
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
}
