package io.ternmq.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate authorities and certificates made on the spot (EC P-256, quick to generate), as PEM files. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair and its certificate, signed by a CA or by itself. */
    record Issued(KeyPair keys, X509Certificate certificate) {

        Path writeCertificate(Path file) throws IOException {
            return Files.writeString(file, pem(certificate));
        }

        Path writeKey(Path file) throws IOException {
            return Files.writeString(file, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        }

        /** A keystore holding this key and certificate, for a client that presents it. */
        KeyStore keyStore() throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
            return store;
        }
    }

    private TestPki() {
    }

    static Issued authority(String subject) throws Exception {
        KeyPair keys = keyPair();
        X500Name name = name(subject);
        X509v3CertificateBuilder builder = builder(name, name, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys, sign(builder, keys));
    }

    /** An end-entity certificate signed by ca, with these subject alternative names; subject in RFC 2253 form. */
    static Issued issue(Issued ca, String subject, GeneralName... alternativeNames) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder builder = builder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), name(subject), keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (alternativeNames.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
        }
        return new Issued(keys, sign(builder, ca.keys()));
    }

    /** A self-signed server certificate for 127.0.0.1, as an operator might bring. */
    static Issued selfSignedServer(String commonName) throws Exception {
        KeyPair keys = keyPair();
        X500Name name = name("CN=" + commonName);
        X509v3CertificateBuilder builder = builder(name, name, keys)
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
        return new Issued(keys, sign(builder, keys));
    }

    /** A distinguished name written as RFC 2253 prints it ("CN=device-42,O=acme"), so it reads back the same. */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
