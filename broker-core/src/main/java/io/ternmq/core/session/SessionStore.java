package io.ternmq.core.session;

/**
 * Where every session's state comes from. A persistent session (one that may outlive its connection) is kept by
 * the store, in memory or durably; a clean one is the store's to make but not to keep. The in-memory store backs
 * tests and the {@code memory} durability; a durable store fills the same seam and passes the same contract tests.
 */
public interface SessionStore {

    /**
     * A new, empty session state for this client id. A persistent one replaces whatever the store kept for the id;
     * a clean one is never kept (and leaves a kept one alone: a clean session over a persistent one ends that one
     * through {@link #remove}).
     */
    SessionData create(String clientId, boolean persistent);

    /** The kept state of this client id's persistent session, or null when there is none. */
    SessionData stored(String clientId);

    /** Forgets the persistent session of this client id, if one is kept. */
    void remove(String clientId);

    /** How many persistent sessions are kept. */
    int size();
}
