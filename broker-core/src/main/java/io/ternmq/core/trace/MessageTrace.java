package io.ternmq.core.trace;

import io.ternmq.core.auth.Identity;

import io.ternmq.core.log.LogText;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message trace: what traced devices submitted, for an operator who needs to see it. What is traced is every
 * client with {@code log.trace} on, else the client ids and topic filters turned on at run time; for them each
 * accepted CONNECT and PUBLISH is logged on the logger {@value #LOGGER} (escaped like every log line) and kept in a
 * bounded ring of recent events, lock-free, which the admin API reads. While nothing is traced a message costs the
 * trace one volatile read; while something is, a hash lookup and at most {@value #MAX_TOPIC_FILTERS} filter
 * matches.
 */
public final class MessageTrace {

    public static final String LOGGER = "ternmq.trace";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** Client ids traced at run time, at most this many (a bound on what an operator adds). */
    public static final int MAX_TRACED = 1_000;
    /** Topic filters traced at run time, at most this many: each PUBLISH is matched against all of them. */
    public static final int MAX_TOPIC_FILTERS = 32;

    /** What is traced, replaced whole on each change: readers see one consistent snapshot without a lock. */
    private record Traced(boolean any, Set<String> clients, List<String> topicFilters) {
    }

    private final boolean all;
    private volatile Traced traced;
    private final AtomicReferenceArray<TraceEvent> ring;
    private final AtomicLong written = new AtomicLong();

    /**
     * @param all      trace every client ({@code log.trace})
     * @param ringSize events kept ({@code log.trace-ring-size}); 0 keeps none
     */
    public MessageTrace(boolean all, int ringSize) {
        this.all = all;
        this.traced = new Traced(all, Set.of(), List.of());
        this.ring = ringSize > 0 ? new AtomicReferenceArray<>(ringSize) : null;
    }

    /** Turns tracing of one client id on or off; false when the bound of traced ids is reached. */
    public synchronized boolean traceClient(String clientId, boolean on) {
        Set<String> clients = new HashSet<>(traced.clients());
        if (on && !clients.contains(clientId) && clients.size() >= MAX_TRACED) {
            return false;
        }
        if (on) {
            clients.add(clientId);
        } else {
            clients.remove(clientId);
        }
        publish(Set.copyOf(clients), traced.topicFilters());
        return true;
    }

    /** Turns tracing of the PUBLISHes to one topic filter on or off; false when the bound is reached. */
    public synchronized boolean traceTopic(String filter, boolean on) {
        List<String> filters = new ArrayList<>(traced.topicFilters());
        if (on && !filters.contains(filter) && filters.size() >= MAX_TOPIC_FILTERS) {
            return false;
        }
        filters.remove(filter);
        if (on) {
            filters.add(filter);
        }
        publish(traced.clients(), List.copyOf(filters));
        return true;
    }

    private void publish(Set<String> clients, List<String> topicFilters) {
        traced = new Traced(all || !clients.isEmpty() || !topicFilters.isEmpty(), clients, topicFilters);
    }

    public Set<String> tracedClients() {
        return traced.clients();
    }

    public List<String> tracedTopics() {
        return traced.topicFilters();
    }

    /** Whether this client's CONNECT is traced. */
    public boolean traces(String clientId) {
        Traced t = traced;
        return t.any() && (all || t.clients().contains(clientId));
    }

    /** Whether this client's PUBLISH to this topic is traced. */
    public boolean traces(String clientId, String topic) {
        Traced t = traced;
        if (!t.any()) {
            return false;
        }
        if (all || t.clients().contains(clientId)) {
            return true;
        }
        for (String filter : t.topicFilters()) {
            if (Topics.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Records a CONNECT; the caller asked {@link #traces(String)} first. */
    public void connect(String clientId, int protocolLevel, String transport, List<UserProperty> userProperties,
                        Identity identity) {
        if (LOG.isInfoEnabled()) {
            LOG.info("CONNECT client={} version={} transport={} identity={} provider={} userProperties={}",
                    LogText.of(clientId), versionName(protocolLevel), transport, LogText.of(identity.name()),
                    identity.provider(), format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.CONNECT, clientId, protocolLevel, transport, null, -1,
                -1, userProperties, io.ternmq.core.message.MessageProperties.NONE, identity.name(),
                identity.provider()));
    }

    /** Records a PUBLISH; the caller asked {@link #traces(String, String)} first. */
    public void publish(String clientId, int protocolLevel, String transport, PublishMessage message) {
        List<UserProperty> userProperties = message.properties().userProperties();
        if (LOG.isInfoEnabled()) {
            LOG.info("PUBLISH client={} version={} topic={} qos={} bytes={} userProperties={}", LogText.of(clientId),
                    versionName(protocolLevel), LogText.of(message.topic()), message.qos(), message.payload().length,
                    format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.PUBLISH, clientId, protocolLevel, transport,
                message.topic(), message.qos(), message.payload().length, userProperties, message.properties(), null,
                null));
    }

    /** The most recent events of one client (all clients when clientId is null), newest first. */
    public List<TraceEvent> recent(String clientId, int limit) {
        List<TraceEvent> out = new ArrayList<>();
        if (ring == null) {
            return out;
        }
        long end = written.get();
        for (long i = end - 1; i >= 0 && i >= end - ring.length() && out.size() < limit; i--) {
            TraceEvent e = ring.get((int) (i % ring.length()));
            if (e != null && (clientId == null || clientId.equals(e.clientId()))) {
                out.add(e);
            }
        }
        return out;
    }

    private void record(TraceEvent event) {
        if (ring != null) {
            ring.set((int) (written.getAndIncrement() % ring.length()), event);
        }
    }

    /** A protocol level as people name it: 3 is "3.1", 4 "3.1.1", 5 "5.0". */
    public static String versionName(int level) {
        return switch (level) {
            case 3 -> "3.1";
            case 4 -> "3.1.1";
            case 5 -> "5.0";
            default -> Integer.toString(level);
        };
    }

    private static String format(List<UserProperty> properties) {
        return properties.stream().map(p -> LogText.of(p.key()) + "=" + LogText.of(p.value()))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
