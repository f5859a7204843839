package io.ternmq.core.session;

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
}
