package io.ternmq.config;

/** What the broker does with a CONNECT that carries a will message ({@code platform.will-messages}). */
public enum WillPolicy {
    /** Refuse the connection: CONNACK 0x05 (MQTT 3.x) or 0x83 (MQTT 5.0). */
    REFUSE,
    /** Accept the connection and discard the will; it is never published. */
    IGNORE
}
