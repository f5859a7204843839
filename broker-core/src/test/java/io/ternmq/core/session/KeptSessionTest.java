package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.TopicTrie;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A session the store kept but the registry does not know, as after a restart: how a CONNECT finds it. The store
 * is filled before the registry exists, as a durable store is on start.
 */
class KeptSessionTest {

    private final InMemorySessionStore store = new InMemorySessionStore(10, 1 << 20);
    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final SessionRegistry registry = new SessionRegistry(new SessionOwners(0, 16), store, trie,
            (orphans, clientId) -> orphans, new BrokerMetrics(), 32, Duration.ZERO);

    private SessionData kept() {
        SessionData data = store.create("dev", true);
        data.putSubscription(new StoredSubscription("a/b", 1, false));
        data.offer(new Delivery(new PublishMessage("a/b", 1, new byte[] {1}, "pub"), 1));
        return data;
    }

    @Test
    void withoutCleanStartAKeptSessionResumesAndRoutesAgain() {
        kept();

        SessionRegistry.Attached attached = registry.attach("dev", false, 60, new FakeConnection());

        assertTrue(attached.sessionPresent());
        assertEquals(1, attached.session().queued());
        assertEquals(1, trie.size(), "its subscription is in the trie again");
    }

    /** MQTT-3.1.2-5 with a Session Expiry of 0: the kept session resumes, then ends with this connection. */
    @Test
    void aKeptSessionResumedWithExpiry0EndsWithTheConnection() {
        kept();
        FakeConnection connection = new FakeConnection();

        SessionRegistry.Attached attached = registry.attach("dev", false, 0, connection);
        assertTrue(attached.sessionPresent());
        assertNotNull(store.stored("dev"));

        registry.detached(attached.session(), connection);

        assertNull(registry.get("dev"));
        assertNull(store.stored("dev"), "ended: the store forgets it");
        assertEquals(0, trie.size());
    }

    @Test
    void cleanStartEndsAKeptSession() {
        kept();

        SessionRegistry.Attached attached = registry.attach("dev", true, 60, new FakeConnection());

        assertEquals(false, attached.sessionPresent());
        assertEquals(0, attached.session().queued());
        assertEquals(0, trie.size());
    }

    @Test
    void aSharedMessageNoOtherMemberTakesWaitsForTheMembersReturn() {
        FakeConnection connection = new FakeConnection();
        Session session = registry.attach("m1", false, 60, connection).session();
        session.subscribe("$share/g/a/b", 1);
        connection.writable(false);
        session.deliver(new Delivery(new PublishMessage("a/b", 1, new byte[] {2}, "pub"), 1, "$share/g/a/b"));

        registry.detached(session, connection);

        assertSame(session, registry.get("m1"));
        assertEquals(1, session.queued(), "kept for its return, not dropped");
    }
}
