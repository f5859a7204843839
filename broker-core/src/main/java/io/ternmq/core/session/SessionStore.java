package io.ternmq.core.session;

/**
 * Where persistent sessions (clean session 0) keep their state. The in-memory store backs tests and the
 * current release; a RocksDB store will keep sessions across restarts behind the same interface.
 */
public interface SessionStore {

    /** The stored data of this client id, created empty when there is none. */
    SessionData open(String clientId);

    /** True when a session is stored for this client id. */
    boolean contains(String clientId);

    /** Forgets the session of this client id. */
    void remove(String clientId);

    /** How many sessions are stored. */
    int size();
}
