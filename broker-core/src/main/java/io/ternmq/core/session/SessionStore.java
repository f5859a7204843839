package io.ternmq.core.session;

import java.util.List;

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

    /**
     * A new session state that is never kept, whose queue has {@code 1/parts} of a session's bounds (by count and
     * by bytes, the latter at least 1 MiB or the whole bound): what each data stream of a multi-stream QUIC
     * connection gets, so that its streams together hold about one session's worth more
     * ({@link InMemorySessionData#share}).
     */
    SessionData createShare(int parts);

    /** The kept state of this client id's persistent session, or null when there is none. */
    SessionData stored(String clientId);

    /** Forgets the persistent session of this client id, if one is kept. */
    void remove(String clientId);

    /** How many persistent sessions are kept. */
    int size();

    /** The persistent sessions kept from before this process started (none for a store on the heap). */
    List<KeptSession> kept();

    /**
     * Runs the action once everything the calling thread has written to session state so far is as safe as the
     * store promises ({@code storage.durability}: synced, or written): at once for a store on the heap. The action
     * may run on another thread.
     */
    void whenWritten(Runnable action);

    /** True while the store holds as many bytes as it may ({@code storage.max-bytes}), or cannot write. */
    boolean full();

    /** Why {@link #full()} is true, for the log. */
    default String whyFull() {
        return "the store holds storage.max-bytes";
    }
}
