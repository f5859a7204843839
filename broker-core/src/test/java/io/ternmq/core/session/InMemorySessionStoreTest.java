package io.ternmq.core.session;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The in-memory store against the store contract. */
class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(int maxQueued) {
        return new InMemorySessionStore(maxQueued, MAX_QUEUED_BYTES);
    }

    @Test
    void theQueueBoundMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new InMemorySessionData(0, 1));
    }
}
