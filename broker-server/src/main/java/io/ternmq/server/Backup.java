package io.ternmq.server;

import io.ternmq.config.BrokerConfig;
import io.ternmq.store.DurableSessionStore;
import io.ternmq.store.RocksStore;
import io.ternmq.store.StoreFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code ternmq backup DIR}: a RocksDB checkpoint of {@code {data-dir}/store} in DIR, a consistent copy that is a
 * store of its own (hard links where DIR is on the same file system, so it costs little room at first). With the
 * broker stopped the command opens the store itself; while a broker holds the data directory it asks that broker
 * through its control socket, so the copy holds everything the broker has acknowledged.
 */
final class Backup {

    /** What a checkpoint wrote. */
    record Result(Path target, long files, long bytes) {

        String describe(Path store) {
            Path from = store.toAbsolutePath().normalize();
            return "backup of " + from + " written to " + target + " (" + files + " files, " + bytes + " bytes); to "
                    + "restore it, stop the broker and put this directory in place of " + from;
        }
    }

    /** The backup cannot be taken; the message says why and what to do. */
    static final class BackupException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BackupException(String message) {
            super(message);
        }
    }

    private Backup() {
    }

    /** The command: checkpoints the store of this configuration's data directory into {@code target}. */
    static Result run(BrokerConfig config, Path target) {
        Path store = config.dataDir().resolve(SessionStorage.STORE_DIRECTORY);
        Path absolute = checkTarget(target);
        DataDirectory held = Files.isDirectory(config.dataDir()) ? DataDirectory.tryLock(config.dataDir()) : null;
        if (held == null && Files.isDirectory(config.dataDir())) {
            return ControlSocket.backup(config.dataDir(), absolute);
        }
        try (DataDirectory ignored = held) {
            if (!Files.exists(store.resolve("CURRENT"))) {
                throw new BackupException("there is no store in " + store.toAbsolutePath().normalize()
                        + ": check data-dir (or --data-dir), the broker keeps its sessions there");
            }
            try (RocksStore rocks = RocksStore.open(store, DurableSessionStore.TABLES)) {
                return take(rocks, absolute);
            }
        }
    }

    /** The target must not exist yet (RocksDB writes the whole directory); its parent is created. */
    static Path checkTarget(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            throw new BackupException("the backup directory " + absolute + " already exists: give one that does not");
        }
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new BackupException("the backup directory " + absolute + " cannot be created (" + e.getMessage()
                    + ")");
        }
        return absolute;
    }

    /** Checkpoints an open store, running or not. */
    static Result take(RocksStore rocks, Path target) {
        try {
            rocks.checkpoint(target);
        } catch (StoreFailure e) {
            throw new BackupException("the checkpoint in " + target + " failed: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(target)) {
            long[] count = new long[2];
            files.filter(Files::isRegularFile).forEach(f -> {
                count[0]++;
                try {
                    count[1] += Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return new Result(target, count[0], count[1]);
        } catch (IOException | UncheckedIOException e) {
            throw new BackupException("the checkpoint in " + target + " cannot be read back: " + e.getMessage());
        }
    }
}
