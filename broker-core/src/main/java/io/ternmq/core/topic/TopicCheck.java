package io.ternmq.core.topic;

/** Result of validating a topic name or filter. */
public enum TopicCheck {
    OK("valid"),
    /** MQTT5-4.7.3-1. */
    EMPTY("topic is empty"),
    TOO_LONG("topic is too long"),
    /** MQTT5-4.7.0-1. */
    WILDCARD_IN_NAME("topic name contains a wildcard"),
    /** MQTT5-4.7.1-1, MQTT5-4.7.1-2. */
    BAD_WILDCARD("wildcard '+' or '#' must fill a whole level, and '#' must be the last level"),
    /** MQTT5-4.7.3-2. */
    NULL_CHARACTER("topic contains the null character U+0000");

    private final String description;

    TopicCheck(String description) {
        this.description = description;
    }

    public boolean ok() {
        return this == OK;
    }

    /** A short human reason, fit for an MQTT 5 reason string. */
    public String describe() {
        return description;
    }
}
