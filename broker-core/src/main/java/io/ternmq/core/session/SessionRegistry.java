package io.ternmq.core.session;

import io.ternmq.core.connection.Connection;
import io.ternmq.core.log.LogText;
import io.ternmq.core.log.RepeatLimitedLog;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.topic.TopicTrie;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BiConsumer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and creates sessions by client id. Lookups come from any thread; changes for one client id happen only
 * on that id's owner, which is what makes connect, takeover and end of session race-free without locks.
 */
public final class SessionRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

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
    /** A device that reconnects in a loop with one client id takes itself over each time: one line per interval. */
    private final RepeatLimitedLog takeovers;
    private final ScheduledThreadPoolExecutor expiryTimer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "ternmq-session-expiry");
        t.setDaemon(true);
        return t;
    });
    /** Where shared-subscription deliveries of an ending session go: the router, set once it exists. */
    private volatile BiConsumer<List<Delivery>, String> orphanSink = (orphans, clientId) -> { };

    public SessionRegistry(SessionOwners owners, SessionStore store, TopicTrie<Subscriber> trie,
                           BrokerMetrics metrics, int maxQueued, int maxInflight, Duration logRepeatInterval) {
        this.owners = owners;
        this.store = store;
        this.trie = trie;
        this.metrics = metrics;
        this.maxQueued = maxQueued;
        this.maxInflight = maxInflight;
        this.takeovers = new RepeatLimitedLog(LOG, logRepeatInterval);
        // A resumed session cancels its timer; without this every reconnect would leave one behind until it fires.
        expiryTimer.setRemoveOnCancelPolicy(true);
    }

    /** Shared deliveries a session held when it ended are handed here (the router redelivers them). */
    public void onOrphans(BiConsumer<List<Delivery>, String> sink) {
        this.orphanSink = sink;
    }

    void orphaned(List<Delivery> orphans, String clientId) {
        if (!orphans.isEmpty()) {
            orphanSink.accept(orphans, clientId);
        }
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

    /** MQTT 3.x: clean session 1 is a session that ends with its connection, clean session 0 one that never expires. */
    public Attached attach(String clientId, boolean cleanSession, Connection connection) {
        return attach(clientId, cleanSession, cleanSession ? 0 : Session.NEVER_EXPIRES, connection);
    }

    /**
     * Binds a connection that completed CONNECT to its session. Runs on the client id's owner. An older
     * connection with the same id is closed (takeover, MQTT-3.1.4-3). Clean start discards any previous session
     * (MQTT-3.1.2-4); otherwise an existing session that outlives its connection is resumed (MQTT-3.1.2-5). A
     * session with expiry 0 ends when its connection is closed, also when it is taken over.
     *
     * @param expirySeconds the Session Expiry Interval: 0 ends the session with the connection,
     *                      {@link Session#NEVER_EXPIRES} never ends it
     */
    public Attached attach(String clientId, boolean cleanStart, long expirySeconds, Connection connection) {
        Session existing = sessions.get(clientId);
        if (existing != null && existing.connection() != null) {
            metrics.sessionsTakenOver.increment();
            takeovers.info("takeover", "client {} taken over: a connection from {} replaced the one from {}",
                    LogText.of(clientId), connection.remoteAddress(), existing.connection().remoteAddress());
            existing.takeOver();
        }
        if (!cleanStart && existing != null && existing.persistent()) {
            existing.expiryIntervalSeconds(expirySeconds);
            existing.attach(connection);
            return new Attached(existing, true);
        }
        if (existing != null) {
            end(existing);
        }
        Session session;
        boolean present = false;
        if (expirySeconds == 0) {
            store.remove(clientId);
            session = new Session(clientId, false, owners.ownerOf(clientId), new InMemorySessionData(maxQueued),
                    this, maxInflight, 0);
        } else {
            if (cleanStart) {
                store.remove(clientId);
            }
            present = store.contains(clientId);
            session = new Session(clientId, true, owners.ownerOf(clientId), store.open(clientId), this,
                    maxInflight, expirySeconds);
            // A stored session (a store that outlives the process) routes again from its subscriptions.
            session.subscriptions().forEach((filter, options) -> {
                SubscriptionFilter parsed = SubscriptionFilter.parse(filter, Integer.MAX_VALUE);
                if (parsed != null) {
                    session.subscribe(parsed, options & 0x03, (options & 0x04) != 0);
                }
            });
        }
        sessions.put(clientId, session);
        session.attach(connection);
        return new Attached(session, present);
    }

    /** Ends a session: it leaves the registry, the trie and the store. Runs on its owner. */
    void end(Session session) {
        sessions.remove(session.clientId(), session);
        List<Delivery> orphans = session.takeSharedDeliveries();
        session.discard();
        orphaned(orphans, session.clientId()); // MQTT 5 4.8.2: another member takes what it held
    }

    /** Starts the expiry clock of a session whose connection just went away (MQTT-3.1.2-23). */
    void scheduleExpiry(Session session) {
        long seconds = session.expiryIntervalSeconds();
        if (seconds >= Session.NEVER_EXPIRES || expiryTimer.isShutdown()) {
            return; // never, or the broker has stopped (connections closing after its drain)
        }
        long generation = session.detachGeneration();
        session.expiryTimer(expiryTimer.schedule(() -> session.owner().executeAlways(() -> {
            if (session.connection() == null && session.detachGeneration() == generation && !session.discarded()) {
                LOG.debug("session {} expired after {} s offline", session.clientId(), seconds);
                metrics.sessionsExpired.increment();
                end(session);
            }
        }), seconds, TimeUnit.SECONDS));
    }

    /** Expiry timers waiting to fire: one per offline session with a finite expiry, for metrics and tests. */
    public int pendingExpiryTimers() {
        return expiryTimer.getQueue().size();
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

    @Override
    public void close() {
        expiryTimer.shutdownNow();
    }
}
