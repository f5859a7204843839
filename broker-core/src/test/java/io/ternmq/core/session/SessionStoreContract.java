package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} and the {@link SessionData} it makes must do, whatever keeps the state. The
 * in-memory store runs it (InMemorySessionStoreTest); a durable store extends it too. Records go in and come back
 * equal in value, never as live views; compare what came back by its contents, not by identity.
 */
public abstract class SessionStoreContract {

    /** Each session's queue holds at most this many deliveries in these tests... */
    protected static final int MAX_QUEUED = 3;
    /** ...and at most this many bytes of them (a delivery of a one-byte payload on "t/x" weighs 68). */
    protected static final long MAX_QUEUED_BYTES = 1000;

    private SessionStore store;

    /** A new, empty store whose sessions queue at most {@link #MAX_QUEUED} deliveries and {@link #MAX_QUEUED_BYTES}. */
    protected abstract SessionStore newStore(int maxQueued) throws Exception;

    /** Releases what {@link #newStore} took (files, threads); nothing for a store on the heap. */
    protected void closeStore(SessionStore store) throws Exception {
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore(MAX_QUEUED);
    }

    @AfterEach
    void close() throws Exception {
        closeStore(store);
    }

    protected static Delivery delivery(String payload, int qos) {
        return new Delivery(new PublishMessage("t/" + payload, qos, payload.getBytes(StandardCharsets.UTF_8), "p"), qos);
    }

    protected static String payload(Delivery d) {
        return new String(d.message().payload(), StandardCharsets.UTF_8);
    }

    // ---- the store ----

    @Test
    void aPersistentSessionIsKeptAndACleanOneIsNot() {
        SessionData persistent = store.create("p", true);
        SessionData clean = store.create("c", false);

        assertNotNull(persistent);
        assertNotNull(clean);
        assertNotNull(store.stored("p"));
        assertNull(store.stored("c"));
        assertEquals(1, store.size());
    }

    @Test
    void creatingAPersistentSessionAgainStartsItEmpty() {
        store.create("p", true).putSubscription(new StoredSubscription("a/#", 1, false));

        store.create("p", true);

        assertEquals(0, store.stored("p").subscriptionCount());
        assertEquals(1, store.size());
    }

    @Test
    void aKeptSessionKeepsWhatWasWrittenToIt() {
        SessionData data = store.create("p", true);
        data.putSubscription(new StoredSubscription("a/#", 1, true));
        data.offer(delivery("queued", 1));
        data.putInflight(7, delivery("sent", 1));

        SessionData again = store.stored("p");

        assertEquals(List.of(new StoredSubscription("a/#", 1, true)), again.subscriptions());
        assertEquals("queued", payload(again.peek()));
        assertEquals("sent", payload(again.inflight(7)));
    }

    @Test
    void removeForgetsAKeptSession() {
        store.create("p", true);
        store.remove("p");
        store.remove("never-there");

        assertNull(store.stored("p"));
        assertEquals(0, store.size());
    }

    // ---- subscriptions ----

    @Test
    void subscriptionsComeOutInTheOrderTheyWereMadeAndAReplacedOneKeepsItsPlace() {
        SessionData data = store.create("s", true);
        data.putSubscription(new StoredSubscription("a/#", 1, false));
        data.putSubscription(new StoredSubscription("$share/g/b", 0, false));
        data.putSubscription(new StoredSubscription("a/#", 0, true));

        assertEquals(List.of(new StoredSubscription("a/#", 0, true), new StoredSubscription("$share/g/b", 0, false)),
                data.subscriptions());
        assertTrue(data.hasSubscription("a/#"));
        assertEquals(2, data.subscriptionCount());
        data.removeSubscription("a/#");
        data.removeSubscription("not/held");
        assertFalse(data.hasSubscription("a/#"));
        assertEquals(1, data.subscriptionCount());
    }

    @Test
    void subscriptionsAreRecordsOutNotAView() {
        SessionData data = store.create("s", false);
        data.putSubscription(new StoredSubscription("a/#", 1, false));

        List<StoredSubscription> out = data.subscriptions();
        assertThrows(UnsupportedOperationException.class, () -> out.add(new StoredSubscription("x", 1, false)));
        data.removeSubscription("a/#");
        assertEquals(1, out.size(), "what was handed out does not change with the state");
    }

    // ---- the queue ----

    @Test
    void aFullQueueDropsTheOldest() {
        SessionData data = store.create("q", true);
        assertEquals(0, data.offer(delivery("1", 1)));
        assertEquals(0, data.offer(delivery("2", 1)));
        assertEquals(0, data.offer(delivery("3", 1)));

        assertEquals(1, data.offer(delivery("4", 1)));
        assertEquals(1, data.offer(delivery("5", 1)));

        assertEquals(3, data.queueSize());
        assertEquals("3", payload(data.poll()));
        assertEquals("4", payload(data.poll()));
        assertEquals("5", payload(data.poll()));
        assertNull(data.poll());
        assertNull(data.peek());
    }

    @Test
    void theQueueIsBoundedByBytesTooAndAHeavyMessageMayPushOutSeveral() {
        SessionData data = store.create("q", true);
        data.offer(delivery("a", 1));
        data.offer(delivery("b", 1));
        long two = data.queuedBytes();
        assertEquals(2 * delivery("a", 1).message().weight(), two);

        Delivery heavy = delivery("h".repeat(800), 1); // weighs 867: with either of the others over 1,000
        assertEquals(2, data.offer(heavy));

        assertEquals(1, data.queueSize());
        assertEquals(heavy.message().weight(), data.queuedBytes());
        assertEquals("h".repeat(800), payload(data.poll()));
        assertEquals(0, data.queuedBytes());
    }

    @Test
    void aMessageHeavierThanTheByteBoundAloneStillGetsItsPlace() {
        SessionData data = store.create("q", true);
        data.offer(delivery("a", 1));

        assertEquals(1, data.offer(delivery("x".repeat(2000), 1)));

        assertEquals(1, data.queueSize());
    }

    @Test
    void peekDoesNotRemove() {
        SessionData data = store.create("q", false);
        data.offer(delivery("1", 1));

        assertEquals("1", payload(data.peek()));
        assertEquals(1, data.queueSize());
    }

    @Test
    void dropQueuedQos0KeepsQos1InOrder() {
        SessionData data = store.create("q", true);
        data.offer(delivery("a", 0));
        data.offer(delivery("b", 1));
        data.offer(delivery("c", 0));

        assertEquals(2, data.dropQueuedQos0());
        assertEquals("b", payload(data.poll()));
        assertNull(data.poll());
    }

    @Test
    void removeQueuedSharedTakesTheSharedOnesInQueueOrder() {
        SessionData data = store.create("q", true);
        data.offer(new Delivery(delivery("a", 1).message(), 1, "$share/g/t/#"));
        data.offer(delivery("b", 1));
        data.offer(new Delivery(delivery("c", 1).message(), 1, "$share/g/t/#"));

        List<Delivery> shared = data.removeQueuedShared();

        assertEquals(List.of("a", "c"), shared.stream().map(SessionStoreContract::payload).toList());
        assertEquals("$share/g/t/#", shared.get(0).shareKey());
        assertEquals(1, data.queueSize());
        assertEquals("b", payload(data.poll()));
    }

    @Test
    void aQueuedMessageComesBackWithItsPropertiesAndExpiry() {
        SessionData data = store.create("q", true);
        MessageProperties properties = new MessageProperties(1, "text/plain", "reply/to", new byte[] {1, 2},
                List.of(new UserProperty("k", "v"), new UserProperty("k", "w")));
        data.offer(new Delivery(new PublishMessage("a/b", 1, new byte[] {9}, "pub", properties, 12345L), 0));

        Delivery back = data.poll();

        assertEquals("a/b", back.message().topic());
        assertEquals(1, back.message().qos());
        assertEquals(0, back.qos(), "the delivered QoS is the delivery's, not the message's");
        assertEquals("pub", back.message().publisherId());
        assertEquals(12345L, back.message().expiresAtNanos());
        MessageProperties p = back.message().properties();
        assertEquals(1, p.payloadFormatIndicator());
        assertEquals("text/plain", p.contentType());
        assertEquals("reply/to", p.responseTopic());
        assertEquals(List.of((byte) 1, (byte) 2), List.of(p.correlationData()[0], p.correlationData()[1]));
        assertEquals(List.of(new UserProperty("k", "v"), new UserProperty("k", "w")), p.userProperties());
    }

    // ---- in flight ----

    @Test
    void inflightKeepsTheOrderOfFirstSend() {
        SessionData data = store.create("f", true);
        data.putInflight(7, delivery("x", 1));
        data.putInflight(3, delivery("y", 1));
        data.putInflight(9, delivery("z", 1));
        assertEquals("y", payload(data.removeInflight(3)));

        assertEquals(List.of(7, 9), data.inflightIds());
        assertEquals(2, data.inflightSize());
        assertTrue(data.inflightContains(9));
        assertFalse(data.inflightContains(3));
        assertNull(data.removeInflight(3));
        assertEquals("z", payload(data.inflight(9)));
        assertNull(data.inflight(3));
    }

    @Test
    void inflightIdsAreACopy() {
        SessionData data = store.create("f", false);
        data.putInflight(1, delivery("x", 1));
        List<Integer> ids = data.inflightIds();

        data.removeInflight(1);

        assertEquals(List.of(1), ids);
    }

    @Test
    void removeInflightSharedTakesTheSharedOnesInSendOrder() {
        SessionData data = store.create("f", true);
        data.putInflight(5, new Delivery(delivery("a", 1).message(), 1, "$share/g/t"));
        data.putInflight(2, delivery("b", 1));
        data.putInflight(8, new Delivery(delivery("c", 1).message(), 1, "$share/g/t"));

        List<Delivery> shared = data.removeInflightShared();

        assertEquals(List.of("a", "c"), shared.stream().map(SessionStoreContract::payload).toList());
        assertEquals(List.of(2), data.inflightIds());
    }

    @Test
    void sessionsDoNotShareState() {
        SessionData one = store.create("one", true);
        SessionData two = store.create("two", true);
        one.offer(delivery("1", 1));
        one.putSubscription(new StoredSubscription("a", 1, false));

        assertEquals(0, two.queueSize());
        assertEquals(0, two.subscriptionCount());
        assertEquals(0, store.stored("two").queueSize());
    }
}
