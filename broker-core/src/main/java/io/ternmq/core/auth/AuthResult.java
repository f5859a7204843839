package io.ternmq.core.auth;

/** The verdict of an {@link Authenticator}. */
public enum AuthResult {
    /** The client may connect. */
    ACCEPTED,
    /** The user name or password is wrong (3.x CONNACK 0x04). */
    BAD_CREDENTIALS,
    /** The client is known but not allowed in (3.x CONNACK 0x05). */
    NOT_AUTHORIZED
}
