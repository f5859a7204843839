package io.ternmq.fuzz;

import java.util.Locale;

/** What a field of a packet means, so that a mutation finds the fields its rule is about and names them. */
public enum Role {
    PROTOCOL_NAME, PROTOCOL_LEVEL, CONNECT_FLAGS, KEEP_ALIVE, CLIENT_ID, WILL_TOPIC, WILL_PAYLOAD, USER_NAME,
    PASSWORD, ACK_FLAGS, REASON_CODE, TOPIC_NAME, PACKET_ID, PAYLOAD, TOPIC_FILTER, SUBSCRIPTION_OPTIONS,
    /** A topic filter and its options (SUBSCRIBE). */
    SUBSCRIPTION,
    /** A property block: a Variable Byte Integer length and the properties. */
    PROPERTIES,
    /** The Will Properties block of a CONNECT. */
    WILL_PROPERTIES,
    /** One property: its identifier and its value. */
    PROPERTY,
    PROPERTY_ID,
    PROPERTY_VALUE;

    /** The role as labels print it, e.g. "topic-filter". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
