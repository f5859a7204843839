package io.ternmq.core.session;

import io.ternmq.core.connection.Connection;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.TopicTrie;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds and creates sessions by client id. Lookups come from any thread; changes for one client id happen only
 * on that id's owner, which is what makes connect, takeover and end of session race-free without locks.
 */
public final class SessionRegistry {

    /** The result of a CONNECT: the session now bound to the connection, and whether it existed before. */
    public record Attached(Session session, boolean sessionPresent) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SessionOwners owners;
    private final SessionStore store;
    private final TopicTrie<Subscriber> trie;
    private final BrokerMetrics metrics;
    private final int maxQueued;
    private final int maxInflight;

    public SessionRegistry(SessionOwners owners, SessionStore store, TopicTrie<Subscriber> trie,
                           BrokerMetrics metrics, int maxQueued, int maxInflight) {
        this.owners = owners;
        this.store = store;
        this.trie = trie;
        this.metrics = metrics;
        this.maxQueued = maxQueued;
        this.maxInflight = maxInflight;
    }

    public SessionOwner ownerOf(String clientId) {
        return owners.ownerOf(clientId);
    }

    /** The live or offline session of a client id, or null. Any thread. */
    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public Collection<Session> all() {
        return sessions.values();
    }

    public int size() {
        return sessions.size();
    }

    /**
     * Binds a connection that completed CONNECT to its session. Runs on the client id's owner. An older
     * connection with the same id is closed (takeover, MQTT-3.1.4-2). Clean session 1 discards any previous
     * session (MQTT-3.1.2-6); clean session 0 resumes it, or starts a persistent one (MQTT-3.1.2-4).
     */
    public Attached attach(String clientId, boolean cleanSession, Connection connection) {
        Session existing = sessions.get(clientId);
        if (existing != null) {
            existing.takeOver();
        }
        if (!cleanSession && existing != null && existing.persistent()) {
            existing.attach(connection);
            return new Attached(existing, true);
        }
        if (existing != null) {
            end(existing);
        }
        Session session;
        boolean present = false;
        if (cleanSession) {
            store.remove(clientId);
            session = new Session(clientId, false, owners.ownerOf(clientId), new InMemorySessionData(maxQueued),
                    this, maxInflight);
        } else {
            present = store.contains(clientId);
            session = new Session(clientId, true, owners.ownerOf(clientId), store.open(clientId), this,
                    maxInflight);
            // A stored session (a store that outlives the process) routes again from its subscriptions.
            session.subscriptions().forEach((filter, qos) -> trie.subscribe(filter, clientId,
                    new Subscriber(clientId, qos)));
        }
        sessions.put(clientId, session);
        session.attach(connection);
        return new Attached(session, present);
    }

    /** Ends a session: it leaves the registry, the trie and the store. Runs on its owner. */
    void end(Session session) {
        sessions.remove(session.clientId(), session);
        session.discard();
    }

    TopicTrie<Subscriber> trie() {
        return trie;
    }

    SessionStore store() {
        return store;
    }

    public BrokerMetrics metrics() {
        return metrics;
    }
}
