package io.ternmq.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parsed content of a file an operator edits while the broker runs (the password file, the ACL file), read
 * again when it changes. A change is a different modification time, size or file key (inode), so a file replaced
 * by a rename is seen even within the file system's timestamp granularity. A new content that fails to load leaves
 * the previous one in force: a typo in the ACL file must not lock every client out, nor let every client in. It is
 * reported by one warning per change, not one per check.
 *
 * <p>Thread-safe: {@link #current()} may be called from any thread while the executor checks.
 *
 * @param <T> what the file is read into; immutable, since readers keep it while a newer one replaces it
 */
public final class FileWatch<T> implements AutoCloseable {

    /** Reads the whole file into its parsed form, or fails with a message naming the file (and the line). */
    @FunctionalInterface
    public interface Loader<T> {
        T load(Path file) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);

    private final Path file;
    private final Loader<T> loader;
    private volatile T current;
    private Stamp seen;
    private ScheduledFuture<?> task;

    private FileWatch(Path file, Loader<T> loader, T current, Stamp seen) {
        this.file = file;
        this.loader = loader;
        this.current = current;
        this.seen = seen;
    }

    /**
     * Loads the file now and checks it again every {@code periodMillis} on {@code executor}.
     *
     * @throws IOException      when the file cannot be read now: a broker must not start without it
     * @throws RuntimeException what the loader throws for a bad content (a {@link FileFormatException})
     */
    public static <T> FileWatch<T> start(Path file, Loader<T> loader, ScheduledExecutorService executor,
                                         long periodMillis) throws IOException {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(executor, "executor");
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("periodMillis must be positive, got " + periodMillis);
        }
        // The stamp is taken before reading: a change made during the read is then seen by the next check.
        Stamp stamp = Stamp.of(file);
        T content = Objects.requireNonNull(loader.load(file), "the loader returned null for " + file);
        FileWatch<T> watch = new FileWatch<>(file, loader, content, stamp);
        synchronized (watch) {
            watch.task = executor.scheduleWithFixedDelay(watch::checkQuietly, periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
        }
        return watch;
    }

    /** The content last loaded successfully. */
    public T current() {
        return current;
    }

    public Path file() {
        return file;
    }

    /**
     * Checks the file now (what the scheduled task does) and loads it when it changed.
     *
     * @return true when a new content replaced the previous one
     */
    public synchronized boolean check() {
        Stamp now;
        try {
            now = Stamp.of(file);
        } catch (NoSuchFileException e) {
            if (seen != Stamp.MISSING) {
                seen = Stamp.MISSING;
                LOG.warn("{} is gone; the previous content stays in force until it is back", file);
            }
            return false;
        } catch (IOException e) {
            return failed(Stamp.UNREADABLE, file + ": cannot be read (" + e + ")");
        }
        if (now.equals(seen)) {
            return false;
        }
        T loaded;
        try {
            loaded = loader.load(file);
        } catch (FileFormatException e) {
            return failed(now, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return failed(now, file + ": cannot be read (" + e + ")");
        }
        if (loaded == null) {
            return failed(now, file + ": the loader returned nothing");
        }
        seen = now;
        current = loaded;
        LOG.info("{} changed and was read again", file);
        return true;
    }

    private boolean failed(Stamp stamp, String problem) {
        if (!stamp.equals(seen)) {
            seen = stamp;
            LOG.warn("{}; the previous content stays in force", problem);
        }
        return false;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // An exception would end the schedule for good; one odd check must not stop the reloads.
            LOG.warn("checking {} for changes failed", file, e);
        }
    }

    /** Stops checking; {@link #current()} keeps answering with the last content. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
    }

    /** What tells one version of the file from another without reading it. */
    private record Stamp(long modifiedMillis, long size, Object fileKey) {
        static final Stamp MISSING = new Stamp(-1, -1, "missing");
        static final Stamp UNREADABLE = new Stamp(-2, -2, "unreadable");

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime().toMillis(), attributes.size(), attributes.fileKey());
        }
    }
}
