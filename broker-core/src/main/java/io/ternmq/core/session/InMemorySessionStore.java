package io.ternmq.core.session;

import java.util.concurrent.ConcurrentHashMap;

/** Keeps persistent sessions on the heap; they last as long as the process. */
public final class InMemorySessionStore implements SessionStore {

    private final int maxQueued;
    private final ConcurrentHashMap<String, SessionData> sessions = new ConcurrentHashMap<>();

    public InMemorySessionStore(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    @Override
    public SessionData open(String clientId) {
        return sessions.computeIfAbsent(clientId, id -> new InMemorySessionData(maxQueued));
    }

    @Override
    public boolean contains(String clientId) {
        return sessions.containsKey(clientId);
    }

    @Override
    public void remove(String clientId) {
        sessions.remove(clientId);
    }

    @Override
    public int size() {
        return sessions.size();
    }
}
