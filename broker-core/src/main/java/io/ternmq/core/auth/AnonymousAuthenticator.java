package io.ternmq.core.auth;

/**
 * Lets every client in. The launcher uses it only where PLATFORM.md allows anonymous clients: every listener
 * on a loopback address, or {@code allow-anonymous} set explicitly.
 */
public final class AnonymousAuthenticator implements Authenticator {

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        return AuthResult.ACCEPTED;
    }

    @Override
    public boolean inline() {
        return true;
    }
}
