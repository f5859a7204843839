package io.ternmq.core.trace;

import io.ternmq.core.message.UserProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message trace: what devices submitted, for an operator who needs to see it. Every accepted CONNECT and
 * PUBLISH is logged on the logger {@value #LOGGER} (off unless {@code log.trace} is on) and kept in a bounded
 * ring of recent events, lock-free, which the admin API reads.
 */
public final class MessageTrace {

    public static final String LOGGER = "ternmq.trace";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final AtomicReferenceArray<TraceEvent> ring;
    private final AtomicLong written = new AtomicLong();

    public MessageTrace(int ringSize) {
        this.ring = ringSize > 0 ? new AtomicReferenceArray<>(ringSize) : null;
    }

    public void connect(String clientId, int protocolLevel, String transport, List<UserProperty> userProperties) {
        if (LOG.isInfoEnabled()) {
            LOG.info("CONNECT client={} version={} transport={} userProperties={}", clientId,
                    version(protocolLevel), transport, format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.CONNECT, clientId, protocolLevel, transport, null, -1,
                -1, userProperties));
    }

    public void publish(String clientId, int protocolLevel, String transport, String topic, int qos,
                        int payloadBytes, List<UserProperty> userProperties) {
        if (LOG.isInfoEnabled()) {
            LOG.info("PUBLISH client={} version={} topic={} qos={} bytes={} userProperties={}", clientId,
                    version(protocolLevel), topic, qos, payloadBytes, format(userProperties));
        }
        record(new TraceEvent(Instant.now(), TraceEvent.Kind.PUBLISH, clientId, protocolLevel, transport, topic, qos,
                payloadBytes, userProperties));
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
        return properties.stream().map(p -> p.key() + "=" + p.value())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
