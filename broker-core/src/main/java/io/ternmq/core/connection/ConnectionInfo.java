package io.ternmq.core.connection;

import io.ternmq.core.auth.Identity;
import io.ternmq.core.auth.TlsIdentity;

/**
 * What a connection said about itself at CONNECT, for an operator (the admin API): fixed for its life.
 *
 * @param username          the CONNECT's user name, or null
 * @param keepaliveSeconds  the keepalive the broker enforces (after platform.keepalive-min and -max)
 * @param connectedAtMillis when CONNECT was accepted, epoch milliseconds
 * @param tlsIdentity       the verified client certificate, or null
 * @param identity          who it signed in as, and through which provider
 */
public record ConnectionInfo(String username, int keepaliveSeconds, long connectedAtMillis, TlsIdentity tlsIdentity,
                             Identity identity) {

    public static final ConnectionInfo UNKNOWN = new ConnectionInfo(null, 0, 0, null, Identity.ANONYMOUS);
}
