package io.ternmq.server.api;

import io.ternmq.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of the admin API: read from {@code api.token-file}, or generated on first start into
 * {@code {data-dir}/admin-token} (mode 0600, 32 random bytes as hex) and read from there afterwards. The log names
 * the file, never the token. Compared in constant time.
 */
final class AdminToken {

    static final String FILE = "admin-token";
    static final int MIN_LENGTH = 16;

    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    /** @param configured {@code api.token-file}, or null for the generated one in the data directory */
    static AdminToken load(Path configured, Path dataDir) {
        if (configured != null) {
            return new AdminToken(read(configured, "api.token-file"));
        }
        Path file = dataDir.resolve(FILE).toAbsolutePath().normalize();
        if (!Files.exists(file)) {
            generate(file);
            LOG.info("admin API token generated into {} (readable by this user only); send it as "
                    + "'Authorization: Bearer TOKEN'", file);
        } else {
            LOG.info("admin API token read from {}", file);
        }
        return new AdminToken(read(file, "data-dir"));
    }

    /** Written to a file of its own first, then moved into place: a crash leaves the token whole or absent. */
    private static void generate(Path file) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path temp = file.resolveSibling(FILE + ".new");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temp);
            }
            Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.SYNC);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw ConfigException.invalidValue("data-dir", file.getParent().toString(),
                    "a directory this user can write the admin token into (" + e.getMessage() + ")",
                    "the merged configuration");
        }
    }

    private static String read(Path file, String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ConfigException.invalidValue(key, file.toString(), "a readable file holding the admin token ("
                    + e.getMessage() + ")", "the merged configuration");
        }
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.length() < MIN_LENGTH) {
            throw ConfigException.invalidValue(key, file.toString(), "a file whose first line is a token of at "
                    + "least " + MIN_LENGTH + " characters", "the merged configuration");
        }
        return token;
    }

    /** Whether the presented token is this one; the time taken does not depend on where they differ. */
    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
