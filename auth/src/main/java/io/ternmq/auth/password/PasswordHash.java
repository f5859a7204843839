package io.ternmq.auth.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One password file hash, in Mosquitto's two forms:
 * <ul>
 *   <li>{@code $7$iterations$salt$hash}: PBKDF2-HMAC-SHA512, 64 bytes, what mosquitto_passwd 2.x writes;</li>
 *   <li>{@code $6$salt$hash}: one SHA-512 of the password followed by the salt, Mosquitto 1.x's.</li>
 * </ul>
 * Salt and hash in standard base64 with padding.
 */
final class PasswordHash {

    static final int PBKDF2 = 7;
    static final int SHA512 = 6;
    static final int MAX_ITERATIONS = 10_000_000;
    static final int HASH_BYTES = 64;
    /** What mosquitto_passwd uses. */
    static final int SALT_BYTES = 12;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final int type;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int type, int iterations, byte[] salt, byte[] hash) {
        this.type = type;
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** @throws IllegalArgumentException saying what is wrong, never quoting the hash */
    static PasswordHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        if (text.startsWith("$7$")) {
            if (parts.length != 5) {
                throw new IllegalArgumentException("a $7$ hash is $7$iterations$salt$hash: 3 fields after $7$, not "
                        + (parts.length - 2));
            }
            return new PasswordHash(PBKDF2, iterations(parts[2]), base64(parts[3], "salt"), hash(parts[4]));
        }
        if (text.startsWith("$6$")) {
            if (parts.length != 4) {
                throw new IllegalArgumentException("a $6$ hash is $6$salt$hash: 2 fields after $6$, not "
                        + (parts.length - 2));
            }
            return new PasswordHash(SHA512, 0, base64(parts[2], "salt"), hash(parts[3]));
        }
        throw new IllegalArgumentException("the password is not a $7$ or $6$ hash"
                + " (a plain-text password? set it with ternmq passwd)");
    }

    private static int iterations(String text) {
        boolean digits = !text.isEmpty() && text.length() <= 9;
        for (int i = 0; digits && i < text.length(); i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        if (!digits) {
            throw new IllegalArgumentException("the iteration count \"" + (text.length() > 12
                    ? text.substring(0, 12) + "..." : text) + "\" is not a number from 1 to 10,000,000");
        }
        int iterations = Integer.parseInt(text);
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the iteration count " + iterations
                    + " is not from 1 to 10,000,000 (a file that would stall every sign-in)");
        }
        return iterations;
    }

    private static byte[] hash(String text) {
        byte[] hash = base64(text, "hash");
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("the hash is " + hash.length + " bytes, not " + HASH_BYTES);
        }
        return hash;
    }

    private static byte[] base64(String text, String what) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is not base64");
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the " + what + " is empty");
        }
        return bytes;
    }

    /** A new $7$ hash of this password with a random salt. */
    static PasswordHash create(byte[] password, int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be from 1 to 10,000,000, got " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(PBKDF2, iterations, salt, pbkdf2(password, salt, iterations));
    }

    /**
     * A hash no password matches, costing what a real one of this type and iteration count costs: checked in
     * place of an unknown user's so the answer takes as long as for a known one.
     */
    static PasswordHash dummy(int type, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(hash);
        return new PasswordHash(type, iterations, salt, hash);
    }

    /** Compares in time independent of where the hashes differ. */
    boolean matches(byte[] password) {
        byte[] computed = type == PBKDF2 ? pbkdf2(password, salt, iterations) : sha512(password, salt);
        return MessageDigest.isEqual(computed, hash);
    }

    private static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA512Digest());
        generator.init(password, salt, iterations);
        return ((KeyParameter) generator.generateDerivedParameters(HASH_BYTES * 8)).getKey();
    }

    private static byte[] sha512(byte[] password, byte[] salt) {
        SHA512Digest digest = new SHA512Digest();
        byte[] out = new byte[HASH_BYTES];
        digest.update(password, 0, password.length);
        digest.update(salt, 0, salt.length);
        digest.doFinal(out, 0);
        return out;
    }

    int type() {
        return type;
    }

    int iterations() {
        return iterations;
    }

    /** The file form. */
    String encode() {
        Base64.Encoder base64 = Base64.getEncoder();
        String tail = base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
        return type == PBKDF2 ? "$7$" + iterations + "$" + tail : "$6$" + tail;
    }

    static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }
}
