package io.ternmq.auth.provider;

import io.ternmq.auth.device.Device;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.auth.device.DeviceTopics;
import io.ternmq.auth.password.PasswordFile;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Identity;
import io.ternmq.core.auth.TlsIdentity;
import java.util.Optional;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * A client certificate verified by mutual TLS (or QUIC) is the credential: its CN, or the subject alternative name
 * configured, names a registered device as {@code {productKey}.{deviceName}} or a user of the password file.
 * It claims a CONNECT with a verified certificate and no password.
 */
public final class X509Provider implements ProviderChain.Provider {

    private final String identityName;
    private final DeviceRegistry registry;
    private final Supplier<PasswordFile> users;
    private final Acl acl;

    /** @param identityName cn, san-dns, san-uri or san-email; users null without a password file */
    public X509Provider(String identityName, DeviceRegistry registry, Supplier<PasswordFile> users, Acl acl) {
        this.identityName = identityName;
        this.registry = registry;
        this.users = users;
        this.acl = acl;
    }

    @Override
    public String name() {
        return "x509";
    }

    @Override
    public boolean claims(ConnectRequest request) {
        return request.tlsIdentity() != null && request.password() == null;
    }

    @Override
    public AuthResult authenticate(ConnectRequest request) {
        String name = identity(request.tlsIdentity(), identityName);
        if (name == null) {
            return bad("the client certificate has no " + identityName);
        }
        int dot = name.indexOf('.');
        if (dot > 0 && dot < name.length() - 1) {
            Optional<Device> device = registry.get(name.substring(0, dot), name.substring(dot + 1));
            if (device.isPresent()) {
                if (!device.get().enabled()) {
                    return AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED, "the device is disabled");
                }
                DeviceId id = device.get().id();
                return AuthResult.accepted(new Identity(name(), id.toString(), id, new DeviceTopics(id)));
            }
        }
        if (users != null && users.get().contains(name)) {
            return AuthResult.accepted(new Identity(name(), name, null, acl.permissionsFor(name, request.clientId())));
        }
        return bad("the client certificate's " + identityName + " names no registered device or user");
    }

    /** The certificate's name used as its identity, or null when it has none of that kind. */
    static String identity(TlsIdentity certificate, String kind) {
        if (kind.equals("cn")) {
            try {
                for (Rdn rdn : new LdapName(certificate.subject()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        return rdn.getValue().toString();
                    }
                }
            } catch (InvalidNameException e) {
                return null;
            }
            return null;
        }
        String prefix = switch (kind) {
            case "san-dns" -> "DNS:";
            case "san-uri" -> "URI:";
            case "san-email" -> "email:";
            default -> throw new IllegalArgumentException("unknown identity kind " + kind);
        };
        for (String alternative : certificate.alternativeNames()) {
            if (alternative.startsWith(prefix)) {
                return alternative.substring(prefix.length());
            }
        }
        return null;
    }

    private static AuthResult bad(String reason) {
        return AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS, reason);
    }
}
