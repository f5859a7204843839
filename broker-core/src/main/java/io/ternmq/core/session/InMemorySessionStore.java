package io.ternmq.core.session;

import java.util.concurrent.ConcurrentHashMap;

/** Keeps persistent sessions on the heap, for as long as the process lives; clean ones are not kept at all. */
public final class InMemorySessionStore implements SessionStore {

    private final int maxQueued;
    private final ConcurrentHashMap<String, SessionData> sessions = new ConcurrentHashMap<>();

    /** @param maxQueued each session's queue bound ({@code limits.max-queued-messages}) */
    public InMemorySessionStore(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    @Override
    public SessionData create(String clientId, boolean persistent) {
        SessionData data = new InMemorySessionData(maxQueued);
        if (persistent) {
            sessions.put(clientId, data);
        }
        return data;
    }

    @Override
    public SessionData stored(String clientId) {
        return sessions.get(clientId);
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
