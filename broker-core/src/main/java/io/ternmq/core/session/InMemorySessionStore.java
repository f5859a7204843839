package io.ternmq.core.session;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps persistent sessions on the heap, for as long as the process lives; clean ones are not kept at all. */
public final class InMemorySessionStore implements SessionStore {

    private final int maxQueued;
    private final long maxQueuedBytes;
    private final ConcurrentHashMap<String, SessionData> sessions = new ConcurrentHashMap<>();

    /**
     * @param maxQueued      each session's queue bound by count ({@code limits.max-queued-messages})
     * @param maxQueuedBytes and by bytes ({@code limits.max-queued-bytes})
     */
    public InMemorySessionStore(int maxQueued, long maxQueuedBytes) {
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    @Override
    public SessionData createShare(int parts) {
        return InMemorySessionData.share(maxQueued, maxQueuedBytes, parts);
    }

    @Override
    public SessionData create(String clientId, boolean persistent) {
        SessionData data = new InMemorySessionData(maxQueued, maxQueuedBytes);
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

    @Override
    public List<KeptSession> kept() {
        return List.of(); // nothing outlives the process
    }

    @Override
    public void whenWritten(Runnable action) {
        action.run(); // nothing to wait for: what is on the heap is all there is
    }

    /** The heap's bound is each session's queue bound; there is no store-wide one. */
    @Override
    public boolean full() {
        return false;
    }
}
