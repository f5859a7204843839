package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ternmq.core.message.Delivery;
import io.ternmq.core.message.PublishMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySessionDataTest {

    private static Delivery delivery(String payload, int qos) {
        return new Delivery(new PublishMessage("t", qos, payload.getBytes(StandardCharsets.UTF_8), "p"), qos);
    }

    private static String payload(Delivery d) {
        return new String(d.message().payload(), StandardCharsets.UTF_8);
    }

    @Test
    void fullQueueDropsAndReturnsTheOldest() {
        InMemorySessionData data = new InMemorySessionData(3);
        Delivery first = delivery("1", 1);
        assertNull(data.offer(first));
        assertNull(data.offer(delivery("2", 1)));
        assertNull(data.offer(delivery("3", 1)));

        assertSame(first, data.offer(delivery("4", 1)));
        assertEquals("2", payload(data.offer(delivery("5", 1))));

        assertEquals(3, data.queueSize());
        assertEquals("3", payload(data.poll()));
        assertEquals("4", payload(data.poll()));
        assertEquals("5", payload(data.poll()));
        assertNull(data.poll());
    }

    @Test
    void peekDoesNotRemove() {
        InMemorySessionData data = new InMemorySessionData(2);
        data.offer(delivery("1", 1));

        assertEquals("1", payload(data.peek()));
        assertEquals(1, data.queueSize());
    }

    @Test
    void queueBoundMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new InMemorySessionData(0));
    }

    @Test
    void dropQueuedQos0KeepsQos1InOrder() {
        InMemorySessionData data = new InMemorySessionData(10);
        data.offer(delivery("a", 0));
        data.offer(delivery("b", 1));
        data.offer(delivery("c", 0));
        data.offer(delivery("d", 1));

        assertEquals(2, data.dropQueuedQos0());
        assertEquals("b", payload(data.poll()));
        assertEquals("d", payload(data.poll()));
    }

    @Test
    void inflightKeepsTheOrderOfFirstSend() {
        InMemorySessionData data = new InMemorySessionData(10);
        data.putInflight(7, delivery("x", 1));
        data.putInflight(3, delivery("y", 1));
        data.putInflight(9, delivery("z", 1));
        data.removeInflight(3);

        assertEquals(List.of(7, 9), data.inflightIds());
        assertEquals(2, data.inflightSize());
        assertEquals(true, data.inflightContains(9));
        assertEquals(false, data.inflightContains(3));
        assertNull(data.removeInflight(3));
    }

    @Test
    void subscriptionsAreRecordsOutNotAView() {
        InMemorySessionData data = new InMemorySessionData(1);
        data.putSubscription(new StoredSubscription("a/#", 1, false));
        data.putSubscription(new StoredSubscription("a/#", 0, true));

        List<StoredSubscription> out = data.subscriptions();
        assertEquals(List.of(new StoredSubscription("a/#", 0, true)), out);
        assertThrows(UnsupportedOperationException.class, () -> out.add(new StoredSubscription("x", 1, false)));
        data.removeSubscription("a/#");
        assertEquals(0, data.subscriptionCount());
        assertEquals(1, out.size(), "what was handed out does not change with the state");
    }
}
