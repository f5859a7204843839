package io.ternmq.store;

/** A read or write of a running store failed (the disk, most likely); the store cannot go on. */
public final class StoreFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StoreFailure(String what, Exception cause) {
        super("store " + what + " failed: " + cause.getMessage(), cause);
    }
}
