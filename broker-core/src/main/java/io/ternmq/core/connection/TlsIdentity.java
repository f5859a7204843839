package io.ternmq.core.connection;

import io.netty.util.AttributeKey;
import java.util.List;

/**
 * The verified X.509 identity of a client that presented a certificate during the TLS (or QUIC) handshake: the
 * device identity an authenticator can map to a device. A transport that verified a client certificate sets it
 * on the channel under {@link #KEY} before the MQTT pipeline sees CONNECT.
 *
 * @param subject      the certificate's subject distinguished name, RFC 2253 form
 * @param alternativeNames the subject alternative names (DNS names, IP addresses, URIs, e-mail), as strings
 * @param issuer       the issuer's distinguished name
 * @param serialNumber the certificate serial number, hexadecimal
 */
public record TlsIdentity(String subject, List<String> alternativeNames, String issuer, String serialNumber) {

    public static final AttributeKey<TlsIdentity> KEY = AttributeKey.valueOf("ternmq.tls-identity");

    public TlsIdentity {
        alternativeNames = List.copyOf(alternativeNames);
    }
}
