package io.ternmq.core.auth;

/**
 * Decides whether a CONNECT may proceed and who the client is. Unless {@link #inline()}, the engine calls it on
 * the sign-in executor, never on an event loop, so it may hash a password or read the device registry; it must
 * be thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

    AuthResult authenticate(ConnectRequest request);

    /**
     * The client id the session is kept under, from the one the client presented: the Link SDK's
     * {@code id|securemode=3,signmethod=hmacsha1,timestamp=...|} is session {@code id}. Quick and pure: it is asked
     * on the event loop, before the platform's client id rules.
     */
    default String sessionClientId(String presented) {
        return presented;
    }

    /** True when {@link #authenticate} is quick and never blocks, so it runs on the event loop. */
    default boolean inline() {
        return false;
    }

    /**
     * True when judging this CONNECT costs real CPU (a password hash): it then waits in the slow executor's queue,
     * so a flood of them does not hold up the quick sign-ins (a device's HMAC, an anonymous client). Asked on the
     * event loop: from the CONNECT's shape alone.
     */
    default boolean slow(ConnectRequest request) {
        return false;
    }
}
