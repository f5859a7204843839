package io.ternmq.auth.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.auth.FileFormatException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Mosquitto's password file: both hash forms, loading errors, atomic rewrites, mosquitto_passwd itself. */
class PasswordFileTest {

    /** "password", PBKDF2-HMAC-SHA512, 101 iterations, salt 00 01 .. 0b. */
    static final String PBKDF2_VECTOR = "$7$101$AAECAwQFBgcICQoL$DEO14ViPofBJRJpN8uZINnuFUWj8eUeWhlyZ2QOQ+5LgiM0kGXMw"
            + "v2HwhIvlBQTsHkd+uve2/GFOr/KZ8Y/8Hw==";
    /** "password", SHA-512 of the password then the salt 00 01 .. 0b (Mosquitto 1.x). */
    static final String SHA512_VECTOR = "$6$AAECAwQFBgcICQoL$b4be9ENqb54sNj+csQTvm3qRtt6r5BJ4pdELhfw3543YRDKXy8YjBx"
            + "qSsJubpfDSNaXeWIFnCuo6UMHsY83J5w==";

    @TempDir
    Path dir;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void knownVectors() {
        PasswordFile file = PasswordFile.parse("user:" + PBKDF2_VECTOR + "\nold:" + SHA512_VECTOR + "\n", "pw");
        assertTrue(file.verify("user", utf8("password")));
        assertFalse(file.verify("user", utf8("Password")));
        assertFalse(file.verify("user", utf8("password ")));
        assertTrue(file.verify("old", utf8("password")));
        assertFalse(file.verify("old", utf8("passwore")));
        assertTrue(file.contains("user") && file.contains("old"));
        assertEquals(2, file.size());
    }

    @Test
    void unknownUsersAndMissingPasswordsFail() {
        PasswordFile file = PasswordFile.parse("user:" + PBKDF2_VECTOR, "pw");
        assertFalse(file.verify("nobody", utf8("password")));
        assertFalse(file.verify(null, utf8("password")));
        assertFalse(file.verify("user", null));
        assertFalse(file.verify("user", new byte[0]));
        assertFalse(file.contains("nobody"));
        assertFalse(PasswordFile.parse("", "pw").verify("user", utf8("password")));
    }

    @Test
    void anUnknownUserCostsAboutWhatAKnownOneDoes() throws Exception {
        Path path = dir.resolve("pw");
        PasswordFile.setPassword(path, "known", "right".toCharArray(), 40_000);
        PasswordFile file = PasswordFile.load(path);
        file.verify("known", utf8("warm-up"));
        long known = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            file.verify("known", utf8("wrong"));
            known = Math.min(known, System.nanoTime() - start);
            start = System.nanoTime();
            file.verify("unknown", utf8("wrong"));
            unknown = Math.min(unknown, System.nanoTime() - start);
        }
        assertTrue(unknown > known / 4, "unknown " + unknown + " ns, known " + known + " ns");
    }

    @Test
    void commentsBlankLinesAndCrlf() {
        PasswordFile file = PasswordFile.parse("# users\r\n\r\n  \r\nuser:" + PBKDF2_VECTOR + "  \r\n# end", "pw");
        assertTrue(file.verify("user", utf8("password")));
        assertEquals(1, file.size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice| expected user:hash",
        ":$6$AAAA$BBBB| user name before ':' is empty",
        "alice:plaintext| not a $7$ or $6$ hash",
        "alice:| not a $7$ or $6$ hash",
        "alice:$5$AAAA$BBBB| not a $7$ or $6$ hash",
        "alice:$7$101$AAECAwQFBgcICQoL| 3 fields after $7$, not 2",
        "alice:$7$101$AAECAwQFBgcICQoL$x$y| 3 fields after $7$, not 4",
        "alice:$6$AAECAwQFBgcICQoL| 2 fields after $6$, not 1",
        "alice:$7$0$AAECAwQFBgcICQoL$AAAA| iteration count 0",
        "alice:$7$10000001$AAECAwQFBgcICQoL$AAAA| iteration count 10000001",
        "alice:$7$9999999999$AAECAwQFBgcICQoL$AAAA| not a number",
        "alice:$7$-5$AAECAwQFBgcICQoL$AAAA| not a number",
        "alice:$7$1e3$AAECAwQFBgcICQoL$AAAA| not a number",
        "alice:$7$101$not*base64$AAAA| salt is not base64",
        "alice:$7$101$$AAAA| salt is empty",
        "alice:$7$101$AAECAwQFBgcICQoL$AAAA| hash is 3 bytes, not 64",
        "alice:$7$101$AAECAwQFBgcICQoL$%%%| hash is not base64",
        "alice:$6$AAECAwQFBgcICQoL$AAECAwQFBgcICQoL| hash is 12 bytes",
        "alice:$6$a:b$c| more than one ':'"})
    void aBadLineIsRefusedNamingFileAndLine(String line, String problem) {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> PasswordFile.parse("# first\nok:" + PBKDF2_VECTOR + "\n" + line + "\n", "/etc/ternmq/pw"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("/etc/ternmq/pw line 3: "), e.getMessage());
        assertTrue(e.problem().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("AAECAwQFBgcICQoL"), "the hash is not quoted: " + e.getMessage());
    }

    @Test
    void aUserTwiceIsRefused() {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> PasswordFile.parse("a:" + PBKDF2_VECTOR + "\n\na:" + SHA512_VECTOR, "pw"));
        assertEquals(3, e.line());
        assertTrue(e.problem().contains("already on line 1"), e.getMessage());
    }

    @Test
    void tenMillionIterationsAreTheMostALoadAccepts() {
        String salt = "AAECAwQFBgcICQoL";
        String hash = PBKDF2_VECTOR.substring(PBKDF2_VECTOR.lastIndexOf('$') + 1);
        assertTrue(PasswordFile.parse("a:$7$10000000$" + salt + "$" + hash, "pw").contains("a"));
    }

    @Test
    void loadNamesTheFileOfABadLine() throws Exception {
        Path path = dir.resolve("passwords");
        Files.writeString(path, "a:" + PBKDF2_VECTOR + "\nbroken\n");
        FileFormatException e = assertThrows(FileFormatException.class, () -> PasswordFile.load(path));
        assertTrue(e.getMessage().startsWith(path + " line 2: "), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> PasswordFile.load(dir.resolve("missing")));
    }

    @Test
    void setPasswordCreatesAnOwnerOnlyFile() throws Exception {
        Path path = dir.resolve("pw");
        PasswordFile.setPassword(path, "alice", "s3cret".toCharArray(), 1_000);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        List<String> lines = Files.readAllLines(path);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches("alice:\\$7\\$1000\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}=="), lines.get(0));
        assertTrue(PasswordFile.load(path).verify("alice", utf8("s3cret")));
        assertNoTemporaryFiles();
    }

    @Test
    void setPasswordKeepsOtherLinesAndThePlaceOfTheUser() throws Exception {
        Path path = dir.resolve("pw");
        Files.writeString(path, "# managed by hand\nold:" + SHA512_VECTOR + "\nalice:" + PBKDF2_VECTOR
                + "\n\n# end\nzed:" + PBKDF2_VECTOR + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r-----"));

        PasswordFile.setPassword(path, "alice", "new one".toCharArray(), 500);
        List<String> lines = Files.readAllLines(path);
        assertEquals(6, lines.size());
        assertEquals("# managed by hand", lines.get(0));
        assertEquals("old:" + SHA512_VECTOR, lines.get(1));
        assertTrue(lines.get(2).startsWith("alice:$7$500$"), lines.get(2));
        assertEquals(List.of("", "# end", "zed:" + PBKDF2_VECTOR), lines.subList(3, 6));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)),
                "an existing file keeps its permissions");

        PasswordFile file = PasswordFile.load(path);
        assertTrue(file.verify("alice", utf8("new one")));
        assertFalse(file.verify("alice", utf8("password")));
        assertTrue(file.verify("old", utf8("password")));

        PasswordFile.setPassword(path, "bob", "b".toCharArray(), 1);
        assertTrue(Files.readAllLines(path).get(6).startsWith("bob:$7$1$"), "a new user goes at the end");
        assertNoTemporaryFiles();
    }

    @Test
    void setPasswordEncodesAsUtf8() throws Exception {
        Path path = dir.resolve("pw");
        PasswordFile.setPassword(path, "jürgen", "pässwörd€".toCharArray(), 10);
        PasswordFile file = PasswordFile.load(path);
        assertTrue(file.verify("jürgen", utf8("pässwörd€")));
        assertFalse(file.verify("jürgen", "pässwörd€".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void setPasswordRefusesToRewriteAFileWithABadLineAndLeavesItAlone() throws Exception {
        Path path = dir.resolve("pw");
        String text = "alice:" + PBKDF2_VECTOR + "\nbob:plain\n";
        Files.writeString(path, text);
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> PasswordFile.setPassword(path, "alice", "x".toCharArray(), 10));
        assertEquals(2, e.line());
        assertEquals(text, Files.readString(path));
        // Setting the bad user's password is how to mend it.
        PasswordFile.setPassword(path, "bob", "mended".toCharArray(), 10);
        assertTrue(PasswordFile.load(path).verify("bob", utf8("mended")));
        assertNoTemporaryFiles();
    }

    @Test
    void setPasswordThroughASymlinkRewritesItsTarget() throws Exception {
        Path real = dir.resolve("real-pw");
        Path link = dir.resolve("pw");
        Files.writeString(real, "alice:" + PBKDF2_VECTOR + "\n");
        Files.createSymbolicLink(link, real);
        PasswordFile.setPassword(link, "bob", "b".toCharArray(), 10);
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(PasswordFile.load(real).verify("bob", utf8("b")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a:b", "tab\tname", "new\nline", " lead", "trail ", "#comment", "nul\u0000"})
    void setPasswordRefusesABadUserName(String user) {
        Path path = dir.resolve("pw");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordFile.setPassword(path, user, "x".toCharArray(), 10));
        assertTrue(e.getMessage().startsWith("the user name "), e.getMessage());
        assertFalse(Files.exists(path));
    }

    @Test
    void setPasswordRefusesAnEmptyPasswordAndIterationsOutOfRange() {
        Path path = dir.resolve("pw");
        assertThrows(IllegalArgumentException.class, () -> PasswordFile.setPassword(path, "a", new char[0], 10));
        assertThrows(IllegalArgumentException.class, () -> PasswordFile.setPassword(path, "a", "x".toCharArray(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> PasswordFile.setPassword(path, "a", "x".toCharArray(), 10_000_001));
        assertFalse(Files.exists(path));
    }

    @Test
    void deleteRemovesTheUserOnly() throws Exception {
        Path path = dir.resolve("pw");
        String text = "# c\nalice:" + PBKDF2_VECTOR + "\nalice2:" + PBKDF2_VECTOR + "\nbob:" + SHA512_VECTOR + "\n";
        Files.writeString(path, text);
        assertFalse(PasswordFile.delete(path, "carol"));
        assertFalse(PasswordFile.delete(path, "ali"));
        assertEquals(text, Files.readString(path), "untouched when the user is not there");
        assertTrue(PasswordFile.delete(path, "alice"));
        assertEquals("# c\nalice2:" + PBKDF2_VECTOR + "\nbob:" + SHA512_VECTOR + "\n", Files.readString(path));
        assertFalse(PasswordFile.load(path).contains("alice"));
        assertThrows(NoSuchFileException.class, () -> PasswordFile.delete(dir.resolve("missing"), "alice"));
        assertNoTemporaryFiles();
    }

    @Test
    void readsWhatMosquittoPasswdWrites() throws Exception {
        assertTrue(onPath("mosquitto_passwd"), "mosquitto_passwd is not on the PATH: test.sh installs mosquitto");
        Path path = dir.resolve("mosquitto-pw");
        run("mosquitto_passwd", "-c", "-b", path.toString(), "alice", "wonder land");
        run("mosquitto_passwd", "-H", "sha512", "-b", path.toString(), "bob", "bob's pass");
        run("mosquitto_passwd", "-b", path.toString(), "jürgen", "pässwörd");
        PasswordFile file = PasswordFile.load(path);
        assertTrue(Files.readString(path).contains("bob:$6$"), "mosquitto_passwd -H sha512 writes $6$");
        assertTrue(file.verify("alice", utf8("wonder land")));
        assertTrue(file.verify("bob", utf8("bob's pass")));
        assertTrue(file.verify("jürgen", utf8("pässwörd")));
        assertFalse(file.verify("alice", utf8("wonderland")));

        // And mosquitto_passwd keeps reading the file after ternmq changed it.
        PasswordFile.setPassword(path, "carol", "c".toCharArray(), PasswordFile.DEFAULT_ITERATIONS);
        run("mosquitto_passwd", "-D", path.toString(), "bob");
        PasswordFile after = PasswordFile.load(path);
        assertFalse(after.contains("bob"));
        assertTrue(after.verify("carol", utf8("c")));
        assertTrue(after.verify("alice", utf8("wonder land")));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }

    static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (new File(entry, binary).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private void assertNoTemporaryFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> temporary = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))
                    .toList();
            assertEquals(List.of(), temporary);
        }
    }

    @Test
    void rewritingKeepsTheFilesOwnerAndGroup() throws Exception {
        // As root (the CI runs so) the file is given to nobody first, as a service's file belongs to its user.
        Path path = dir.resolve("owned");
        PasswordFile.setPassword(path, "alice", "first".toCharArray(), 1000);
        java.nio.file.attribute.UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
        boolean root = "root".equals(System.getProperty("user.name"));
        java.nio.file.attribute.UserPrincipal owner = root ? names.lookupPrincipalByName("nobody")
                : Files.getOwner(path);
        Files.setOwner(path, owner);
        PasswordFile.setPassword(path, "bob", "second".toCharArray(), 1000);
        assertEquals(owner, Files.getOwner(path), "the rewrite is still the owner's file");
        assertTrue(PasswordFile.load(path).contains("alice") && PasswordFile.load(path).contains("bob"));
    }
}
