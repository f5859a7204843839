package io.ternmq.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ternmq.auth.acl.AclFile;
import io.ternmq.auth.password.PasswordFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Reloading a changed file, keeping the previous content when the new one is bad, one warning a change. */
class FileWatchTest {

    @TempDir
    Path dir;

    private Path file;
    private ScheduledExecutorService executor;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FileWatch.class);

    /** A file of numbers, one a line: anything else is a format error naming the line. */
    private static List<Integer> numbers(Path path) throws IOException {
        String[] lines = Files.readString(path).split("\n");
        Integer[] parsed = new Integer[lines.length];
        for (int i = 0; i < lines.length; i++) {
            try {
                parsed[i] = Integer.parseInt(lines[i].trim());
            } catch (NumberFormatException e) {
                throw new FileFormatException(path.toString(), i + 1, "\"" + lines[i] + "\" is not a number");
            }
        }
        return List.of(parsed);
    }

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("numbers");
        Files.writeString(file, "1\n2\n");
        executor = Executors.newSingleThreadScheduledExecutor();
        log.start();
        logger.addAppender(log);
        // The warnings are what is under test: kept here, off the console.
        logger.setAdditive(false);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(log);
        logger.setAdditive(true);
        executor.shutdownNow();
    }

    private void write(String text) throws IOException {
        // A new modification time for certain, whatever the file system's granularity.
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2_000));
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void readsTheFileAgainWhenItChanges() throws IOException {
        try (FileWatch<List<Integer>> watch = FileWatch.start(file, FileWatchTest::numbers, executor, 3_600_000)) {
            assertEquals(List.of(1, 2), watch.current());
            assertFalse(watch.check(), "unchanged");
            write("3\n");
            assertTrue(watch.check());
            assertEquals(List.of(3), watch.current());
            assertFalse(watch.check());
            assertEquals(List.of(), warnings());
        }
    }

    @Test
    void aBadNewContentKeepsThePreviousOneWithOneWarning() throws IOException {
        try (FileWatch<List<Integer>> watch = FileWatch.start(file, FileWatchTest::numbers, executor, 3_600_000)) {
            write("1\nx\n");
            assertFalse(watch.check());
            assertFalse(watch.check());
            assertFalse(watch.check());
            assertEquals(List.of(1, 2), watch.current());
            List<String> warnings = warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(file + " line 2: \"x\" is not a number"), warnings.get(0));
            assertTrue(warnings.get(0).contains("previous content stays"), warnings.get(0));

            write("1\ny\n");
            assertFalse(watch.check());
            assertEquals(2, warnings().size(), "a new bad change is a new warning");

            write("5\n");
            assertTrue(watch.check());
            assertEquals(List.of(5), watch.current());
        }
    }

    @Test
    void aVanishedFileKeepsThePreviousContentUntilItIsBack() throws IOException {
        try (FileWatch<List<Integer>> watch = FileWatch.start(file, FileWatchTest::numbers, executor, 3_600_000)) {
            Files.delete(file);
            assertFalse(watch.check());
            assertFalse(watch.check());
            assertEquals(List.of(1, 2), watch.current());
            assertEquals(1, warnings().size());
            assertTrue(warnings().get(0).contains(file + " is gone"), warnings().get(0));
            Files.writeString(file, "7\n");
            assertTrue(watch.check());
            assertEquals(List.of(7), watch.current());
        }
    }

    @Test
    void aFileRenamedIntoPlaceIsSeenEvenWithTheSameSizeAndTime() throws IOException {
        try (FileWatch<List<Integer>> watch = FileWatch.start(file, FileWatchTest::numbers, executor, 3_600_000)) {
            Path replacement = dir.resolve("numbers.new");
            Files.writeString(replacement, "8\n9\n");
            Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(file));
            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertTrue(watch.check(), "the file key (inode) differs");
            assertEquals(List.of(8, 9), watch.current());
        }
    }

    @Test
    void theExecutorChecksOnItsOwn() throws Exception {
        FileWatch<List<Integer>> watch = FileWatch.start(file, FileWatchTest::numbers, executor, 10);
        write("42\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!watch.current().equals(List.of(42)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(42), watch.current());

        watch.close();
        Thread.sleep(50);
        write("43\n");
        Thread.sleep(200);
        assertEquals(List.of(42), watch.current(), "closed: no more checks");
    }

    @Test
    void aLoaderThatThrowsSomethingElseIsAWarningToo() throws IOException {
        int[] calls = {0};
        FileWatch.Loader<String> loader = path -> {
            if (calls[0]++ > 0) {
                throw new IllegalStateException("boom");
            }
            return Files.readString(path);
        };
        try (FileWatch<String> watch = FileWatch.start(file, loader, executor, 3_600_000)) {
            write("changed\n");
            assertFalse(watch.check());
            assertEquals("1\n2\n", watch.current());
            assertTrue(warnings().get(0).contains("boom") && warnings().get(0).contains(file.toString()),
                    warnings().toString());
        }
    }

    @Test
    void theFirstLoadMustSucceed() throws IOException {
        assertThrows(NoSuchFileException.class,
                () -> FileWatch.start(dir.resolve("missing"), FileWatchTest::numbers, executor, 1000));
        Files.writeString(file, "x\n");
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> FileWatch.start(file, FileWatchTest::numbers, executor, 1000));
        assertEquals(1, e.line());
        assertThrows(IllegalArgumentException.class,
                () -> FileWatch.start(file, FileWatchTest::numbers, executor, 0));
    }

    @Test
    void watchesThePasswordFileAndTheAclFile() throws IOException {
        Path passwords = dir.resolve("passwords");
        PasswordFile.setPassword(passwords, "alice", "one".toCharArray(), 10);
        Path acl = dir.resolve("acl");
        Files.writeString(acl, "user alice\ntopic read a/#\n", StandardCharsets.UTF_8);
        try (FileWatch<PasswordFile> pw = FileWatch.start(passwords, PasswordFile::load, executor, 3_600_000);
             FileWatch<AclFile> rules = FileWatch.start(acl, AclFile::load, executor, 3_600_000)) {
            assertTrue(pw.current().verify("alice", "one".getBytes(StandardCharsets.UTF_8)));
            PasswordFile.setPassword(passwords, "alice", "two".toCharArray(), 10);
            assertTrue(pw.check(), "a rewrite by rename is a change");
            assertTrue(pw.current().verify("alice", "two".getBytes(StandardCharsets.UTF_8)));

            assertFalse(rules.current().permissionsFor("alice", "c").mayPublish("a/b"));
            Files.writeString(acl, "user alice\ntopic readwrite a/#\n", StandardCharsets.UTF_8);
            Files.setLastModifiedTime(acl, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            assertTrue(rules.check());
            assertTrue(rules.current().permissionsFor("alice", "c").mayPublish("a/b"));
        }
    }
}
