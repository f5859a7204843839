package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.TopicTrie;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Session} delivery on a connection whose writability the test controls: the in-flight window, the
 * queue in front of a full socket, packet ids, and what survives a disconnect. Owners run inline.
 */
class SessionDeliveryTest {

    private static final int MAX_QUEUED = 5;
    private static final int MAX_INFLIGHT = 2;

    private final BrokerMetrics metrics = new BrokerMetrics();
    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final SessionRegistry registry = new SessionRegistry(new SessionOwners(0, 16),
            new InMemorySessionStore(MAX_QUEUED, 1 << 20), trie, (orphans, clientId) -> orphans, metrics, MAX_INFLIGHT,
            java.time.Duration.ZERO);
    private final FakeConnection connection = new FakeConnection();

    private Session attach(boolean cleanSession) {
        return attach(cleanSession, connection).session();
    }

    /** As an MQTT 3.x CONNECT asks: clean session 1 ends with the connection, 0 never expires. */
    private SessionRegistry.Attached attach(boolean cleanSession, FakeConnection c) {
        return registry.attach("dev", cleanSession, cleanSession ? 0 : Session.NEVER_EXPIRES, c);
    }

    private static Delivery qos(int qos, String payload) {
        return new Delivery(new PublishMessage("t", qos, payload.getBytes(StandardCharsets.UTF_8), "pub"), qos);
    }

    @Test
    void writableConnectionGetsEachDeliveryAtOnceAndFlushed() {
        Session session = attach(true);

        session.deliver(qos(1, "a"));
        session.deliver(qos(0, "b"));

        assertEquals(List.of("t a qos=1 id=1", "t b qos=0 id=0"), connection.take());
        assertEquals(2, connection.flushes);
        assertEquals(2, metrics.messagesDelivered());
    }

    @Test
    void inflightWindowHoldsBackQos1UntilAPubackFreesASlot() {
        Session session = attach(true);

        for (int i = 1; i <= 4; i++) {
            session.deliver(qos(1, "m" + i));
        }
        assertEquals(List.of("t m1 qos=1 id=1", "t m2 qos=1 id=2"), connection.take());
        assertEquals(2, session.inflight());
        assertEquals(2, session.queued());

        session.acknowledged(1);
        assertEquals(List.of("t m3 qos=1 id=3"), connection.take());
        session.acknowledged(99); // unknown id: nothing moves
        assertEquals(List.of(), connection.take());
        session.acknowledged(3);
        assertEquals(List.of("t m4 qos=1 id=4"), connection.take());
        assertEquals(List.of(2, 4), session.inflightIds());
    }

    @Test
    void qos0BehindABlockedQos1WaitsToKeepOrder() {
        Session session = attach(true);
        session.deliver(qos(1, "m1"));
        session.deliver(qos(1, "m2"));
        session.deliver(qos(1, "m3"));
        session.deliver(qos(0, "z"));
        connection.take();

        session.acknowledged(1);

        assertEquals(List.of("t m3 qos=1 id=3", "t z qos=0 id=0"), connection.take());
    }

    @Test
    void unwritableConnectionQueuesAndDrainsInOrderWhenWritableAgain() {
        Session session = attach(true);
        connection.writable(false);

        session.deliver(qos(0, "a"));
        session.deliver(qos(1, "b"));
        session.deliver(qos(0, "c"));
        assertEquals(List.of(), connection.take());
        assertEquals(3, session.queued());

        connection.writable(true);
        session.writable();

        assertEquals(List.of("t a qos=0 id=0", "t b qos=1 id=1", "t c qos=0 id=0"), connection.take());
        assertEquals(0, session.queued());
    }

    @Test
    void drainStopsWhenTheConnectionFillsUpAgain() {
        Session session = attach(true);
        connection.writable(false);
        for (int i = 1; i <= 4; i++) {
            session.deliver(qos(0, "m" + i));
        }

        connection.writable(true);
        connection.fullAfter(2);
        session.writable();

        assertEquals(List.of("t m1 qos=0 id=0", "t m2 qos=0 id=0"), connection.take());
        assertEquals(2, session.queued());
    }

    @Test
    void queueInFrontOfAFullSocketIsBoundedToo() {
        Session session = attach(true);
        connection.writable(false);

        for (int i = 1; i <= 7; i++) {
            session.deliver(qos(0, "m" + i));
        }

        assertEquals(MAX_QUEUED, session.queued());
        assertEquals(2, metrics.droppedQueueFull.sum());
        connection.writable(true);
        session.writable();
        assertEquals("t m3 qos=0 id=0", connection.take().get(0));
    }

    @Test
    void packetIdsWrapAroundAndSkipIdsStillInFlight() {
        Session session = attach(true);
        session.deliver(qos(1, "held")); // id 1, never acknowledged
        connection.take();

        for (int id = 2; id <= 0xFFFF; id++) {
            session.deliver(qos(1, "x"));
            session.acknowledged(id);
        }
        List<String> sent = connection.take();
        assertEquals("t x qos=1 id=2", sent.get(0));
        assertEquals("t x qos=1 id=65535", sent.get(sent.size() - 1));
        assertEquals(0xFFFE, sent.size());

        session.deliver(qos(1, "wrapped"));
        assertEquals(List.of("t wrapped qos=1 id=2"), connection.take(), "0 is not a packet id and 1 is in flight");
    }

    @Test
    void offlinePersistentSessionQueuesQos1AndDropsQos0() {
        Session session = attach(false);
        registry.detached(session, connection);

        session.deliver(qos(0, "gone"));
        session.deliver(qos(1, "kept"));

        assertEquals(1, metrics.droppedOffline.sum());
        assertEquals(1, session.queued());
        assertEquals(List.of(), connection.take());
    }

    @Test
    void disconnectDropsQueuedQos0ButKeepsQos1() {
        Session session = attach(false);
        connection.writable(false);
        session.deliver(qos(0, "a"));
        session.deliver(qos(1, "b"));
        session.deliver(qos(0, "c"));

        registry.detached(session, connection);

        assertEquals(1, session.queued());
        assertEquals(2, metrics.droppedOffline.sum());
    }

    @Test
    void resumeResendsInflightWithDupThenTheQueue() {
        Session session = attach(false);
        session.deliver(qos(1, "m1"));
        session.deliver(qos(1, "m2"));
        session.deliver(qos(1, "m3")); // waits: window of 2
        session.acknowledged(1);
        connection.take(); // m1 id 1, m2 id 2, m3 id 3
        registry.detached(session, connection);
        session.deliver(qos(1, "m4"));

        FakeConnection back = new FakeConnection();
        SessionRegistry.Attached attached = attach(false, back);
        assertSame(session, attached.session());
        assertTrue(attached.sessionPresent());
        attached.session().resume();

        assertEquals(List.of("t m2 qos=1 id=2 dup", "t m3 qos=1 id=3 dup"), back.take(),
                "the window is full, so m4 waits for an acknowledgement");
        session.acknowledged(2);
        assertEquals(List.of("t m4 qos=1 id=4"), back.take());
    }

    @Test
    void takeoverClosesTheOldConnectionAsTakenOver() {
        attach(true);
        FakeConnection second = new FakeConnection();

        Session session = attach(true, second).session();

        assertEquals(CloseReason.SESSION_TAKEN_OVER, connection.closedWith);
        assertNull(second.closedWith);
        assertSame(second, session.connection());
    }

    @Test
    void lateDetachOfATakenOverConnectionDoesNotEndTheNewSession() {
        Session first = attach(false);
        FakeConnection second = new FakeConnection();
        Session session = attach(false, second).session();

        registry.detached(first, connection); // the old channel's close arrives after the takeover

        assertSame(second, session.connection());
        session.deliver(qos(0, "still here"));
        assertEquals(List.of("t still here qos=0 id=0"), second.take());
    }

    @Test
    void cleanSessionEndsOnDetachAndLeavesTheTrie() {
        Session session = attach(true);
        session.subscribe("a/#", 1);
        assertEquals(1, trie.size());

        registry.detached(session, connection);

        assertNull(registry.get("dev"));
        assertEquals(0, trie.size());
        session.deliver(qos(1, "late"));
        assertEquals(List.of(), connection.take());
    }

    @Test
    void unsubscribeReportsWhetherTheFilterExisted() {
        Session session = attach(true);
        session.subscribe("a/b", 1);

        assertTrue(session.unsubscribe("a/b"));
        assertFalse(session.unsubscribe("a/b"));
        assertEquals(0, trie.size());
    }
}
