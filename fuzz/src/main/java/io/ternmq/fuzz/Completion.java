package io.ternmq.fuzz;

/**
 * What it takes for a receiver to have every byte a mutated packet declares: its Remaining Length may claim more
 * than is there (a truncation that kept the length, a length raised), and then a receiver rightly waits for the
 * rest. Sending the missing bytes as zeros separates a receiver that waits forever from one that waits for
 * bytes that never came.
 *
 * @param status   how the declaration ends
 * @param padding  zero bytes to append (PADDED), else 0
 * @param declared bytes the packet's headers declare in total, header bytes included; -1 for BAD_HEADER
 */
public record Completion(Status status, int padding, long declared) {

    public enum Status {
        /** Every declared byte is there. */
        COMPLETE,
        /** {@link #padding()} zero bytes complete the declaration, within the cap. */
        PADDED,
        /** Completing it would pass the cap: the receiver cannot get every declared byte. */
        BEYOND_CAP,
        /** A Remaining Length of five or more bytes, which declares no length at all (5.0 §1.5.5, 3.1.1 §2.2.3). */
        BAD_HEADER
    }
}
