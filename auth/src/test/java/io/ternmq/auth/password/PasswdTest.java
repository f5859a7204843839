package io.ternmq.auth.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ternmq passwd}: arguments, the password from the command line or standard input, exit codes. */
class PasswdTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return Passwd.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private boolean verifies(Path file, String user, String password) throws Exception {
        return PasswordFile.load(file).verify(user, password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void batchModeTakesThePasswordFromTheCommandLine() throws Exception {
        Path file = dir.resolve("pw");
        assertEquals(0, run("", "-b", file.toString(), "alice", "s3cret"));
        assertTrue(verifies(file, "alice", "s3cret"));
        assertTrue(Files.readString(file).startsWith("alice:$7$" + PasswordFile.DEFAULT_ITERATIONS + "$"));
        assertEquals("", err());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("alice"));
    }

    @Test
    void withoutAConsoleOneLineIsReadFromStandardInput() throws Exception {
        Path file = dir.resolve("pw");
        assertEquals(0, run("first line\nsecond line\n", file.toString(), "alice"));
        assertTrue(verifies(file, "alice", "first line"));
        assertEquals(0, run("windows\r\n", file.toString(), "bob"));
        assertTrue(verifies(file, "bob", "windows"));
        assertEquals(0, run("no newline", file.toString(), "carol"));
        assertTrue(verifies(file, "carol", "no newline"));
        assertEquals(0, run("pässwörd\n", file.toString(), "dave"));
        assertTrue(verifies(file, "dave", "pässwörd"));
        assertTrue(verifies(file, "alice", "first line"), "the others are kept");
    }

    @Test
    void noOrAnEmptyPasswordIsBadInput() {
        Path file = dir.resolve("pw");
        assertEquals(2, run("", file.toString(), "alice"));
        assertOneLine("no password on standard input");
        err.reset();
        assertEquals(2, run("\n", file.toString(), "alice"));
        assertOneLine("the password is empty");
        err.reset();
        assertEquals(2, run("", "-b", file.toString(), "alice", ""));
        assertOneLine("the password is empty");
        assertFalse(Files.exists(file));
    }

    @Test
    void deleteRemovesAUser() throws Exception {
        Path file = dir.resolve("pw");
        run("", "-b", file.toString(), "alice", "a");
        run("", "-b", file.toString(), "bob", "b");
        assertEquals(0, run("", "-D", file.toString(), "alice"));
        assertFalse(PasswordFile.load(file).contains("alice"));
        assertTrue(verifies(file, "bob", "b"));

        assertEquals(1, run("", "-D", file.toString(), "alice"));
        assertOneLine("user alice is not in " + file);
        err.reset();
        assertEquals(1, run("", "-D", dir.resolve("missing").toString(), "alice"));
        assertOneLine("does not exist");
    }

    @Test
    void usageErrors() {
        String file = dir.resolve("pw").toString();
        String[][] cases = {
            {},
            {file},
            {file, "alice", "extra"},
            {"-b", file, "alice"},
            {"-b", "-D", file, "alice"},
            {"-x", file, "alice"},
            {"-c", file, "alice"},
            {"-D", file, "alice", "extra"}};
        for (String[] args : cases) {
            err.reset();
            assertEquals(2, run("pw\n", args), String.join(" ", args));
            assertOneLine(Passwd.USAGE);
        }
        assertFalse(Files.exists(dir.resolve("pw")));
    }

    @Test
    void aBadUserNameIsBadInput() {
        Path file = dir.resolve("pw");
        assertEquals(2, run("", "-b", file.toString(), "a:b", "x"));
        assertOneLine("contains ':'");
        err.reset();
        assertEquals(2, run("", "-b", file.toString(), "a\u0007b", "x"));
        assertOneLine("control character");
        assertFalse(Files.exists(file));
    }

    @Test
    void aFileThatCannotBeWrittenFailsWithOne() {
        Path file = dir.resolve("no/such/dir/pw");
        assertEquals(1, run("", "-b", file.toString(), "alice", "x"));
        assertOneLine("cannot write " + file + ": " + file.getParent() + " does not exist");
    }

    @Test
    void aFileWithABadLineIsBadInput() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "broken line\n");
        assertEquals(2, run("", "-b", file.toString(), "alice", "x"));
        assertOneLine(file + " line 1: ");
    }

    @Test
    void optionsAfterTheFileAreArguments() throws Exception {
        // "-D" as the user name after FILE: an argument, not an option (mosquitto_passwd reads it the same way).
        Path file = dir.resolve("pw");
        assertEquals(0, run("", "-b", file.toString(), "-D", "x"));
        assertTrue(verifies(file, "-D", "x"));
    }

    private void assertOneLine(String expected) {
        String text = err();
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line: " + text);
        assertTrue(text.startsWith("ternmq passwd: "), text);
        assertTrue(text.contains(expected), text);
    }
}
