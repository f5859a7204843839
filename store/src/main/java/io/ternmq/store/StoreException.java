package io.ternmq.store;

import java.nio.file.Path;

/**
 * The store cannot be opened: start-up stops with one line naming the directory, the cause and what to do
 * (exit code 2, as for a configuration mistake: the operator has to act).
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StoreException(Path directory, String cause, String remedy) {
        super("the store in " + directory.toAbsolutePath().normalize() + " cannot be opened: " + cause + "; " + remedy);
    }

    static StoreException cannotOpen(Path directory, Exception e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("lock")) {
            return new StoreException(directory, "another process holds it (" + oneLine(message) + ")",
                    "stop the other broker that uses this data directory, or give this one another data-dir");
        }
        if (lower.contains("corruption") || lower.contains("corrupt")) {
            return new StoreException(directory, "it is corrupt (" + oneLine(message) + ")",
                    "restore a backup (docs/storage.md), or move the directory away to start with an empty store");
        }
        return new StoreException(directory, oneLine(message),
                "check that the directory is readable and writable and the disk has room");
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').strip();
    }
}
