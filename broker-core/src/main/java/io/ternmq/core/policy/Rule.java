package io.ternmq.core.policy;

import java.util.Locale;

/**
 * The platform rules a packet can break, each counted on its own ({@code ternmq_rule_refusals_total{rule=...}}) so
 * an operator can tell which rule a fleet runs into.
 */
public enum Rule {
    /** limits.max-client-id-length. */
    CLIENT_ID_LENGTH,
    /** platform.will-messages, and a will the broker could not have honoured (QoS 2, retained). */
    WILL,
    /** QoS 2 (PLATFORM.md 3: QoS 0 and 1 only). */
    QOS,
    /** platform.retained-messages. */
    RETAIN,
    /** A topic that is no topic name: empty, wildcards, U+0000. */
    TOPIC_NAME,
    /** limits.max-topic-length. */
    TOPIC_LENGTH,
    /** limits.max-payload. */
    PAYLOAD_SIZE,
    /** platform.max-user-properties and platform.max-user-property-length, and keys starting with '_'. */
    USER_PROPERTIES,
    /** platform.max-response-topic-length, and a Response Topic that is no topic name. */
    RESPONSE_TOPIC,
    /** platform.max-correlation-data. */
    CORRELATION_DATA;

    /** The label value: {@code TOPIC_LENGTH -> topic-length}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
