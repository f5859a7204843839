package io.ternmq.transport.quic;

import io.ternmq.core.connection.TlsIdentity;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/** The verified client certificate of a QUIC connection as a {@link TlsIdentity}, as the TLS listener builds it. */
final class PeerIdentity {

    private PeerIdentity() {
    }

    /** The identity, or null when the client presented no certificate (BoringSSL refuses one that does not verify). */
    static TlsIdentity of(SSLEngine engine) {
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

    /** "DNS:...", "IP:...", "URI:...", "email:...", as docs/tls.md lists them. */
    private static List<String> alternativeNames(X509Certificate certificate) {
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
                continue;
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
