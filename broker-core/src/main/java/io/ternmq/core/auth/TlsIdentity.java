package io.ternmq.core.auth;

import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

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

    /**
     * The client certificate a TLS or QUIC engine verified, or null when the client sent none (the engines fail
     * the handshake for a certificate that does not verify against the client CA).
     */
    public static TlsIdentity ofPeer(SSLEngine engine) {
        Certificate[] peer;
        try {
            peer = engine.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate certificate)) {
            return null;
        }
        return new TlsIdentity(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                alternativeNames(certificate), certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
                certificate.getSerialNumber().toString(16));
    }

    /** Subject alternative names as "DNS:...", "IP:...", "URI:...", "email:..." (directory names "dirName:..."). */
    static List<String> alternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return names;
        }
        if (entries == null) {
            return names;
        }
        for (List<?> entry : entries) {
            if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                continue; // otherName and x400Address come as DER bytes: not an identity we map
            }
            String prefix = switch (type) {
                case 1 -> "email:";
                case 2 -> "DNS:";
                case 4 -> "dirName:";
                case 6 -> "URI:";
                case 7 -> "IP:";
                case 8 -> "RID:";
                default -> null;
            };
            if (prefix != null) {
                names.add(prefix + value);
            }
        }
        return names;
    }
}
