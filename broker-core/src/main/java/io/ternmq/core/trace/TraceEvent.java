package io.ternmq.core.trace;

import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.UserProperty;
import java.time.Instant;
import java.util.List;

/**
 * One thing a traced client submitted that the broker accepted: a CONNECT or a PUBLISH.
 *
 * @param topic          null for CONNECT
 * @param qos            -1 for CONNECT
 * @param payloadBytes   -1 for CONNECT
 * @param userProperties of the CONNECT or the PUBLISH, in the order sent
 * @param properties     the PUBLISH's forwarded properties ({@link MessageProperties#NONE} for CONNECT and 3.x)
 * @param identity       CONNECT: who the client signed in as ("pk/dn", a user name, "anonymous"); null for PUBLISH
 * @param provider       CONNECT: the provider that let it in ("device", "password-file", ...); null for PUBLISH
 */
public record TraceEvent(Instant time, Kind kind, String clientId, int protocolLevel, String transport,
                         String topic, int qos, int payloadBytes, List<UserProperty> userProperties,
                         MessageProperties properties, String identity, String provider) {

    public enum Kind { CONNECT, PUBLISH }

    public TraceEvent {
        userProperties = List.copyOf(userProperties);
    }
}
