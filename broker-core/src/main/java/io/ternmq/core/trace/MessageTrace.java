package io.ternmq.core.trace;

import io.ternmq.core.log.LogText;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message trace: what traced devices submitted, for an operator who needs to see it. What is traced is every
 * client with {@code log.trace} on, else the client ids and topic filters turned on at run time; for them each
 * accepted CONNECT and PUBLISH is logged on the logger {@value #LOGGER} (escaped like every log line) and kept in a
 * bounded ring of recent events, lock-free, which the admin API reads. A message of a client nobody traces costs
 * one volatile read and two empty-set checks, nothing more: the hot path does not pay for the trace.
 */
public final class MessageTrace {

    public static final String LOGGER = "ternmq.trace";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** Client ids and topic filters traced at run time, at most this many each (a bound on what an operator adds). */
    public static final int MAX_TRACED = 1_000;

    private final boolean all;
    private final Set<String> clients = new CopyOnWriteArraySet<>();
    private final Set<String> topicFilters = new CopyOnWriteArraySet<>();
    private volatile boolean any;
    private final AtomicReferenceArray<TraceEvent> ring;
    private final AtomicLong written = new AtomicLong();

    /**
     * @param all      trace every client ({@code log.trace})
     * @param ringSize events kept ({@code log.trace-ring-size}); 0 keeps none
     */
    public MessageTrace(boolean all, int ringSize) {
        this.all = all;
        this.any = all;
        this.ring = ringSize > 0 ? new AtomicReferenceArray<>(ringSize) : null;
    }

    /** Turns tracing of one client id on or off; false when the bound of traced ids is reached. */
    public boolean traceClient(String clientId, boolean on) {
        return change(clients, clientId, on);
    }

    /** Turns tracing of the PUBLISHes to one topic filter on or off; false when the bound is reached. */
    public boolean traceTopic(String filter, boolean on) {
        return change(topicFilters, filter, on);
    }

    private boolean change(Set<String> set, String value, boolean on) {
        if (on && !set.contains(value) && set.size() >= MAX_TRACED) {
            return false;
        }
        if (on) {
            set.add(value);
        } else {
            set.remove(value);
        }
        any = all || !clients.isEmpty() || !topicFilters.isEmpty();
        return true;
    }

    public Set<String> tracedClients() {
        return Set.copyOf(clients);
    }

    public Set<String> tracedTopics() {
        return Set.copyOf(topicFilters);
    }

    /** Whether this client's CONNECT is traced. */
    public boolean traces(String clientId) {
        return any && (all || clients.contains(clientId));
    }

    /** Whether this client's PUBLISH to this topic is traced. */
    public boolean traces(String clientId, String topic) {
        if (!any) {
            return false;
        }
        if (all || clients.contains(clientId)) {
            return true;
        }
        for (String filter : topicFilters) {
            if (Topics.matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Records a CONNECT; the caller asked {@link #traces(String)} first. */
    public void connect(String clientId, int protocolLevel, String transport, List<UserProperty> userProperties) {
        if (LOG.isInfoEnabled()) {
            LOG.info("CONNECT client={} version={} transport={} userProperties={}", LogText.of(clientId),
                    version(protocolLevel), transport, format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.CONNECT, clientId, protocolLevel, transport, null, -1,
                -1, userProperties, io.ternmq.core.message.MessageProperties.NONE));
    }

    /** Records a PUBLISH; the caller asked {@link #traces(String, String)} first. */
    public void publish(String clientId, int protocolLevel, String transport, PublishMessage message) {
        List<UserProperty> userProperties = message.properties().userProperties();
        if (LOG.isInfoEnabled()) {
            LOG.info("PUBLISH client={} version={} topic={} qos={} bytes={} userProperties={}", LogText.of(clientId),
                    version(protocolLevel), LogText.of(message.topic()), message.qos(), message.payload().length,
                    format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.PUBLISH, clientId, protocolLevel, transport,
                message.topic(), message.qos(), message.payload().length, userProperties, message.properties()));
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

    private static String version(int level) {
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
