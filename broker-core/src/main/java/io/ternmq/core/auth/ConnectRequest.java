package io.ternmq.core.auth;

import io.ternmq.core.auth.TlsIdentity;
import java.net.SocketAddress;

/**
 * What a client presented in its CONNECT, handed to the {@link Authenticator}.
 *
 * @param clientId        the session's client identifier (after an empty one was replaced by a generated one, and
 *                        the Link SDK's parameters were taken off)
 * @param presentedClientId the client identifier exactly as the CONNECT carried it
 * @param username        the user name, or null when the client sent none
 * @param password        the password bytes, or null when the client sent none
 * @param protocolLevel   3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0)
 * @param transport       the listener that accepted the connection, e.g. "tcp"
 * @param remoteAddress   the client's address as the transport sees it
 * @param tlsIdentity     the verified client certificate's identity, or null without mutual TLS
 */
public record ConnectRequest(String clientId, String presentedClientId, String username, byte[] password,
                             int protocolLevel, String transport, SocketAddress remoteAddress,
                             TlsIdentity tlsIdentity) {
}
