package io.ternmq.auth.provider;

import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.Identity;

/**
 * Clients without user name and password (and without a client certificate another provider would judge).
 * Let in only where anonymous access is allowed: every listener on a loopback address, or {@code allow-anonymous}.
 */
public final class AnonymousProvider implements ProviderChain.Provider {

    private final boolean allowed;
    private final Acl acl;

    public AnonymousProvider(boolean allowed, Acl acl) {
        this.allowed = allowed;
        this.acl = acl;
    }

    @Override
    public String name() {
        return "anonymous";
    }

    @Override
    public boolean claims(ConnectRequest request) {
        return request.username() == null && request.password() == null;
    }

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        if (!allowed) {
            return AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED,
                    "anonymous clients are not allowed on a non-loopback address (allow-anonymous is off)");
        }
        return AuthResult.accepted(new Identity(name(), "anonymous", null,
                acl.permissionsFor(null, request.clientId())));
    }
}
