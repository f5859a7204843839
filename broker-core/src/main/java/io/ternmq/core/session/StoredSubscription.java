package io.ternmq.core.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One subscription of a session as its store keeps it.
 *
 * @param filter     the topic filter as the client wrote it, {@code $share/{group}/} included
 * @param grantedQos the QoS granted in SUBACK
 * @param noLocal    MQTT 5 No Local: never deliver the subscriber's own messages (MQTT-3.8.3-3)
 */
public record StoredSubscription(String filter, int grantedQos, boolean noLocal) {

    public StoredSubscription {
        Objects.requireNonNull(filter, "filter");
    }

    private static final int NO_LOCAL = 0x04;
    private static final int QOS_MASK = 0x03;

    /** The options as one int (granted QoS in bits 0-1, No Local in bit 2): how the session stores keep them. */
    public int packedOptions() {
        return grantedQos | (noLocal ? NO_LOCAL : 0);
    }

    /** Builds the records of a filter to packed-options map (see {@link #packedOptions()}). */
    public static List<StoredSubscription> unpack(Map<String, Integer> packed) {
        List<StoredSubscription> out = new ArrayList<>(packed.size());
        packed.forEach((filter, options) -> out.add(
                new StoredSubscription(filter, options & QOS_MASK, (options & NO_LOCAL) != 0)));
        return List.copyOf(out);
    }
}
