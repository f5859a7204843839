package io.ternmq.config;

/** What the broker does with a PUBLISH that has RETAIN=1 ({@code platform.retained-messages}). */
public enum RetainPolicy {
    /** Close the connection (MQTT 3.x) or send DISCONNECT 0x9A Retain not supported (MQTT 5.0). */
    REFUSE,
    /** Deliver it as a normal message with RETAIN cleared; nothing is stored. */
    IGNORE
}
