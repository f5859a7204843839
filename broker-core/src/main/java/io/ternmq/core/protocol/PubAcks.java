package io.ternmq.core.protocol;

import io.ternmq.core.metrics.BrokerMetrics;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The PUBACKs one connection owes, in the order its QoS 1 PUBLISHes arrived (3.1.1 MQTT-4.6.0-2, 5.0
 * MQTT-4.6.0-3): a PUBACK whose message is still being made durable holds back those behind it. Most are ready as
 * they are added and go at once. Confined to the session's owner.
 *
 * <p>A 3.x client may send QoS 1 PUBLISHes without waiting for their acknowledgements, and their messages stay
 * on the heap until the store has written them: while more than {@link #PAUSE_AT} are owed, or their messages
 * weigh more than {@link #PAUSE_AT_BYTES}, the connection stops reading, until the store has caught up to
 * {@link #RESUME_AT} and {@link #RESUME_AT_BYTES}.
 */
final class PubAcks {

    static final int PAUSE_AT = 1024;
    static final int RESUME_AT = 256;
    static final long PAUSE_AT_BYTES = 4L * 1024 * 1024;
    static final long RESUME_AT_BYTES = 1024L * 1024;

    /** Writes one PUBACK. */
    interface Sender {
        void send(int packetId, byte reasonCode, String reason);
    }

    /** One owed PUBACK. */
    final class Pending {
        private final int packetId;
        private final long weight;
        /** When its PUBLISH arrived, for the latency; 0 when nobody records it. */
        private final long addedNanos = latency == BrokerMetrics.Latency.NONE ? 0 : System.nanoTime();
        private boolean ready;
        private byte reasonCode;
        private String reason;

        private Pending(int packetId, long weight) {
            this.packetId = packetId;
            this.weight = weight;
        }

        /** Its message is handled (or refused with this code); it goes as soon as those before it have gone. */
        void ready(byte code, String why) {
            ready = true;
            reasonCode = code;
            reason = why;
            sendReady();
        }
    }

    private final Sender sender;
    private final Consumer<Boolean> pauseReading;
    private final BrokerMetrics.Latency latency;
    private final ArrayDeque<Pending> owed = new ArrayDeque<>(4);
    private long owedBytes;
    private boolean paused;

    PubAcks(Sender sender, Consumer<Boolean> pauseReading) {
        this(sender, pauseReading, BrokerMetrics.Latency.NONE);
    }

    /**
     * @param pauseReading told true to stop reading the connection, false to read again
     * @param latency      given each PUBACK's time from its PUBLISH's arrival to its sending
     */
    PubAcks(Sender sender, Consumer<Boolean> pauseReading, BrokerMetrics.Latency latency) {
        this.sender = sender;
        this.pauseReading = pauseReading;
        this.latency = latency;
    }

    /** @param weight the bytes its message holds on the heap until handled (0 for one refused at once) */
    Pending add(int packetId, long weight) {
        Pending p = new Pending(packetId, weight);
        owed.addLast(p);
        owedBytes += weight;
        if (!paused && (owed.size() > PAUSE_AT || owedBytes > PAUSE_AT_BYTES)) {
            paused = true;
            pauseReading.accept(true);
        }
        return p;
    }

    int owed() {
        return owed.size();
    }

    private void sendReady() {
        Pending head;
        while ((head = owed.peekFirst()) != null && head.ready) {
            owed.pollFirst();
            owedBytes -= head.weight;
            sender.send(head.packetId, head.reasonCode, head.reason);
            if (head.addedNanos != 0) {
                latency.record(System.nanoTime() - head.addedNanos);
            }
        }
        if (paused && owed.size() <= RESUME_AT && owedBytes <= RESUME_AT_BYTES) {
            paused = false;
            pauseReading.accept(false);
        }
    }
}
