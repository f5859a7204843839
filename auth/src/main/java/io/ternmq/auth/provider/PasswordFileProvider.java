package io.ternmq.auth.provider;

import io.ternmq.auth.password.PasswordFile;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.Identity;
import java.util.function.Supplier;

/** Users of a Mosquitto-format password file (re-read when it changes), confined by the ACL file if there is one. */
public final class PasswordFileProvider implements ProviderChain.Provider {

    private final Supplier<PasswordFile> file;
    private final Acl acl;

    public PasswordFileProvider(Supplier<PasswordFile> file, Acl acl) {
        this.file = file;
        this.acl = acl;
    }

    @Override
    public String name() {
        return "password-file";
    }

    /** PBKDF2-SHA512: milliseconds of CPU per sign-in. */
    @Override
    public boolean slow() {
        return true;
    }

    @Override
    public boolean claims(ConnectRequest request) {
        return request.username() != null;
    }

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        // verify hashes even for an unknown user, so the time taken does not tell which users exist
        if (request.password() == null || !file.get().verify(request.username(), request.password())) {
            return AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS, "bad user name or password");
        }
        return AuthResult.accepted(new Identity(name(), request.username(), null,
                acl.permissionsFor(request.username(), request.clientId())));
    }
}
