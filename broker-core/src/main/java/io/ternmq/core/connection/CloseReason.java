package io.ternmq.core.connection;

/** Why the broker closes a connection that did nothing wrong itself. */
public enum CloseReason {
    /** Another connection with the same client id took the session over (MQTT 5: 0x8E). */
    SESSION_TAKEN_OVER,
    /** The broker is shutting down (MQTT 5: 0x8B). */
    SERVER_SHUTTING_DOWN,
    /** An operator closed it through the admin API (MQTT 5: 0x98 Administrative action). */
    ADMINISTRATIVE_ACTION
}
