package io.ternmq.core.auth;

/**
 * Decides whether a CONNECT may proceed. The engine calls it on the connection's event loop, so an
 * implementation must be quick and must not block (the auth module's device registry is a local lookup).
 */
@FunctionalInterface
public interface Authenticator {

    AuthResult authenticate(ConnectRequest request);
}
