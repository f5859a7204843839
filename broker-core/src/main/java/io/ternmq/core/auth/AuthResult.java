package io.ternmq.core.auth;

/**
 * The verdict of an {@link Authenticator}: who the client is when it may connect, else why not.
 *
 * @param outcome  accepted or the kind of refusal (which picks the CONNACK code)
 * @param identity who the client signed in as; null for a refusal
 * @param reason   for the log and the MQTT 5 Reason String of a refusal; never a secret
 */
public record AuthResult(Outcome outcome, Identity identity, String reason) {

    /** What a refusal is, and so the CONNACK it gets (5.0 reason code / 3.x return code). */
    public enum Outcome {
        /** The client may connect. */
        ACCEPTED,
        /** The user name, password or signature is wrong, or the device is unknown: 0x86 / 0x04. */
        BAD_CREDENTIALS,
        /** The client is known but not allowed in (a disabled device, say): 0x87 / 0x05. */
        NOT_AUTHORIZED,
        /** Its address failed to sign in too often and is refused for a while: 0x8A Banned / 0x05. */
        BANNED,
        /** The broker cannot judge it now (the sign-in queue is full): 0x89 Server busy / 0x03. */
        SERVER_BUSY
    }

    /** Anyone, anonymously: what the tests and a loopback-only broker without providers use. */
    public static final AuthResult ACCEPTED = accepted(Identity.ANONYMOUS);
    public static final AuthResult BAD_CREDENTIALS = refused(Outcome.BAD_CREDENTIALS, "bad user name or password");
    public static final AuthResult NOT_AUTHORIZED = refused(Outcome.NOT_AUTHORIZED, "not authorized");

    public AuthResult {
        if ((outcome == Outcome.ACCEPTED) != (identity != null)) {
            throw new IllegalArgumentException("an identity comes with an acceptance, and only with one");
        }
    }

    public static AuthResult accepted(Identity identity) {
        return new AuthResult(Outcome.ACCEPTED, identity, null);
    }

    public static AuthResult refused(Outcome outcome, String reason) {
        return new AuthResult(outcome, null, reason);
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
