package io.ternmq.core.connection;

/** Why the broker closes a connection that did nothing wrong itself. */
public enum CloseReason {
    /** Another connection with the same client id took the session over (MQTT 5: 0x8E). */
    SESSION_TAKEN_OVER,
    /** The broker is shutting down (MQTT 5: 0x8B). */
    SERVER_SHUTTING_DOWN
}
