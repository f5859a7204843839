package io.ternmq.auth.password;

import io.ternmq.auth.FileFormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Mosquitto password file: one {@code user:hash} a line, the hash as mosquitto_passwd writes it
 * ({@code $7$} PBKDF2-HMAC-SHA512, or Mosquitto 1.x's {@code $6$} salted SHA-512), '#' comments and blank lines
 * allowed. A deployment moving from Mosquitto keeps its file, and {@code ternmq passwd} ({@link Passwd}) writes
 * one Mosquitto reads.
 *
 * <p>Immutable and thread-safe. {@link #verify} costs one hash whether or not the user exists, so its time does
 * not tell which users do.
 */
public final class PasswordFile {

    /** The PBKDF2 iterations of a password set by {@link #setPassword}. */
    public static final int DEFAULT_ITERATIONS = 10_000;

    /** More iterations than this in a file is refused: every sign-in would stall the sign-in threads. */
    public static final int MAX_ITERATIONS = PasswordHash.MAX_ITERATIONS;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Map<String, PasswordHash> users;
    private final PasswordHash dummy;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = Collections.unmodifiableMap(users);
        // As costly as the first user's: a file's users normally share one hash type and iteration count.
        PasswordHash like = users.isEmpty() ? null : users.values().iterator().next();
        this.dummy = like == null ? PasswordHash.dummy(PasswordHash.PBKDF2, DEFAULT_ITERATIONS)
                : PasswordHash.dummy(like.type(), like.iterations());
    }

    /**
     * Reads a password file (UTF-8).
     *
     * @throws FileFormatException naming the file and line of a bad entry
     */
    public static PasswordFile load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * @param sourceName the file's name, for messages
     * @throws FileFormatException naming the line and what is wrong with it
     */
    public static PasswordFile parse(String text, String sourceName) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new FileFormatException(sourceName, number, "expected user:hash, found no ':'");
            }
            if (colon == 0) {
                throw new FileFormatException(sourceName, number, "the user name before ':' is empty");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (hash.indexOf(':') >= 0) {
                throw new FileFormatException(sourceName, number, "more than one ':' (user:hash)");
            }
            Integer previous = lineOf.putIfAbsent(user, number);
            if (previous != null) {
                throw new FileFormatException(sourceName, number, "user \"" + user + "\" is already on line "
                        + previous);
            }
            try {
                users.put(user, PasswordHash.parse(hash));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(sourceName, number, "user \"" + user + "\": " + e.getMessage());
            }
        }
        return new PasswordFile(users);
    }

    public boolean contains(String user) {
        return users.containsKey(user);
    }

    /** How many users the file has. */
    public int size() {
        return users.size();
    }

    /**
     * Whether this is the user's password. An unknown user (or no password) is checked against a dummy hash of
     * the same cost, so the answer comes as late as for a known user.
     */
    public boolean verify(String user, byte[] password) {
        PasswordHash hash = user == null ? null : users.get(user);
        byte[] presented = password == null ? new byte[0] : password;
        boolean matches = (hash != null ? hash : dummy).matches(presented);
        return hash != null && password != null && matches;
    }

    /**
     * Sets (or adds) a user's password in the file, as a $7$ hash: the file is rewritten whole into a temporary
     * file beside it and renamed over it, so a reader (the broker's reload) sees the old file or the new one, never
     * half of one. Other lines, comments included, are kept. A new file is made readable by its owner only; an
     * existing one keeps its permissions.
     *
     * @throws IllegalArgumentException for a bad user name, an empty password or iterations out of range
     * @throws FileFormatException      when another line of the existing file is bad: fix it first
     */
    public static void setPassword(Path file, String user, char[] password, int iterations) throws IOException {
        checkUser(user);
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        byte[] bytes = PasswordHash.utf8(password);
        String entry;
        try {
            entry = user + ":" + PasswordHash.create(bytes, iterations).encode();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        Path target = Files.exists(file) ? file.toRealPath() : file;
        List<String> lines = Files.exists(target) ? Files.readAllLines(target, StandardCharsets.UTF_8)
                : new ArrayList<>();
        List<String> updated = new ArrayList<>(lines.size() + 1);
        boolean placed = false;
        for (String line : lines) {
            if (!isEntryOf(line, user)) {
                updated.add(line);
            } else if (!placed) {
                updated.add(entry);
                placed = true;
            }
        }
        if (!placed) {
            updated.add(entry);
        }
        replace(target, updated);
    }

    /**
     * Removes a user from the file, rewriting it as {@link #setPassword} does.
     *
     * @return false when the user was not in it (the file is then left untouched)
     */
    public static boolean delete(Path file, String user) throws IOException {
        Path target = file.toRealPath();
        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!isEntryOf(line, user)) {
                kept.add(line);
            }
        }
        if (kept.size() == lines.size()) {
            return false;
        }
        replace(target, kept);
        return true;
    }

    /**
     * A user name fit for the file: not empty, no ':' (the separator) and no control characters, and no leading
     * or trailing blank (a line is read trimmed).
     *
     * @throws IllegalArgumentException saying which rule it breaks
     */
    static void checkUser(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the user name is empty");
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("the user name contains ':'");
        }
        for (int i = 0; i < user.length(); i++) {
            if (Character.isISOControl(user.charAt(i))) {
                throw new IllegalArgumentException("the user name contains a control character");
            }
        }
        if (!user.strip().equals(user)) {
            throw new IllegalArgumentException("the user name starts or ends with a blank");
        }
        if (user.startsWith("#")) {
            throw new IllegalArgumentException("the user name starts with '#', which makes its line a comment");
        }
    }

    private static boolean isEntryOf(String line, String user) {
        String entry = line.strip();
        return !entry.startsWith("#") && entry.length() > user.length() && entry.startsWith(user)
                && entry.charAt(user.length()) == ':';
    }

    /** Writes the lines to a temporary file beside {@code file}, flushed to disk, and renames it over the file. */
    private static void replace(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        // What the file must hold to be read back: a bad line from a hand edit is refused here, not at reload.
        parse(text.toString(), file.toString());
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "the directory of " + file + " does not exist");
        }
        Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
        try {
            boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            setPermissions(temporary, existed ? permissions(file) : OWNER_ONLY);
            if (existed) {
                keepOwner(file, temporary); // root editing the service's file must not leave it root's
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(StandardCharsets.UTF_8.encode(text.toString()));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The owner and group of {@code from} on {@code to}, where this process may set them (as root, or its own). */
    private static void keepOwner(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (source == null || target == null) {
            return; // not a POSIX file system
        }
        PosixFileAttributes was = source.readAttributes();
        if (!was.owner().equals(target.getOwner())) {
            target.setOwner(was.owner());
        }
        if (!was.group().equals(target.readAttributes().group())) {
            target.setGroup(was.group());
        }
    }

    private static Set<PosixFilePermission> permissions(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return OWNER_ONLY;
        }
    }

    private static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: it has no such permissions to keep.
        }
    }

    @Override
    public String toString() {
        return "PasswordFile[" + users.size() + " users]";
    }
}
