package io.ternmq.auth.provider;

import io.ternmq.auth.acl.AclFile;
import io.ternmq.core.auth.Permissions;
import java.util.function.Supplier;

/** The ACL file in force for users and anonymous clients, or none: every topic. Devices have their own rule. */
public final class Acl {

    public static final Acl NONE = new Acl(null);

    private final Supplier<AclFile> file;

    public Acl(Supplier<AclFile> file) {
        this.file = file;
    }

    /** At sign-in: the rules of the file as it is now stay with the connection. */
    public Permissions permissionsFor(String username, String clientId) {
        return file == null ? Permissions.ALL : file.get().permissionsFor(username, clientId);
    }
}
