package io.ternmq.server;

import io.ternmq.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data directory, held by one broker at a time: a lock on {@code ternmq.lock} in it, taken at start-up and
 * released at the stop (or by the kernel when the process dies, so a crash leaves no stale lock). A second broker
 * on the same directory stops at start-up, whatever its storage.
 */
final class DataDirectory implements AutoCloseable {

    static final String LOCK_FILE = "ternmq.lock";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it; a one-line ConfigException names it when it cannot. */
    static DataDirectory lock(Path path) {
        DataDirectory held = tryLock(path);
        if (held == null) {
            throw inUse(path);
        }
        return held;
    }

    /** As {@link #lock}, but null when another broker holds the directory. */
    static DataDirectory tryLock(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw ConfigException.invalidValue("data-dir", path.toString(),
                    "a directory the broker can create and write (" + e.getMessage() + ")", "the merged configuration");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return null;
            }
            return new DataDirectory(path, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return null; // another broker in this very process (tests)
        } catch (IOException e) {
            closeQuietly(channel);
            throw ConfigException.invalidValue("data-dir", path.toString(),
                    "a directory the broker can write (" + e.getMessage() + ")", "the merged configuration");
        }
    }

    private static ConfigException inUse(Path path) {
        return ConfigException.invalidValue("data-dir", path.toAbsolutePath().normalize().toString(),
                "a data directory no other ternmq uses: another broker holds it (" + LOCK_FILE + "); stop that one, "
                        + "or give this one another data-dir", "the merged configuration");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process ends or the next start takes it anyway
        }
    }
}
