package io.ternmq.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Keys and certificates for the tests, written in the PEM and PKCS#12 forms operators bring. */
public final class Pki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    private Pki() {
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static Issued authority(String subject) throws Exception {
        KeyPair keys = ec();
        X500Name name = name(subject);
        X509v3CertificateBuilder builder = builder(name, name, keys, Duration.ofDays(2))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(keys, sign(builder, keys, "SHA256withECDSA"));
    }

    public static Issued issue(Issued ca, String subject, GeneralName... names) throws Exception {
        KeyPair keys = ec();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                ca.certificate().getSubjectX500Principal().getEncoded()), name(subject), keys, Duration.ofDays(2));
        if (names.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new Issued(keys, sign(builder, ca.keys(), "SHA256withECDSA"));
    }

    public static Issued selfSigned(KeyPair keys, String subject, Duration validity) throws Exception {
        X500Name name = name(subject);
        String algorithm = keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509v3CertificateBuilder builder = builder(name, name, keys, validity)
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new Issued(keys, sign(builder, keys, algorithm));
    }

    public static Issued selfSigned(KeyPair keys, String subject) throws Exception {
        return selfSigned(keys, subject, Duration.ofDays(2));
    }

    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
                                                    Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer, String algorithm)
            throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    }

    /** Certificates or a key object (JcaPEMWriter form: RSA PRIVATE KEY / EC PRIVATE KEY for a PrivateKey). */
    public static Path pem(Path file, Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
        return Files.writeString(file, text.toString());
    }

    /** SEC1 ("BEGIN EC PRIVATE KEY") with the named curve inside, as openssl ecparam -genkey writes it. */
    public static Path sec1(Path file, KeyPair keys) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(file, new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    }

    /** PKCS#8 ("BEGIN PRIVATE KEY"). */
    public static Path pkcs8(Path file, KeyPair keys) throws IOException {
        return pem(file, new JcaPKCS8Generator(keys.getPrivate(), null));
    }

    /** Encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY"). */
    public static Path encryptedPkcs8(Path file, KeyPair keys) throws Exception {
        return pem(file, new JcaPKCS8Generator(keys.getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                        .setPassword("secret".toCharArray()).build()));
    }

    public static Path pkcs12(Path file, Issued issued, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", issued.keys().getPrivate(), password.toCharArray(),
                new X509Certificate[] {issued.certificate()});
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
