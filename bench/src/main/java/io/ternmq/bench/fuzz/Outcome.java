package io.ternmq.bench.fuzz;

import java.util.Locale;

/** How a broker dealt with one case. Every case ends in exactly one. */
public enum Outcome {
    /** The broker closed the connection (EOF or reset), perhaps after a DISCONNECT or CONNACK. */
    CLOSED,
    /** PINGRESP arrived and the connection was still open: the packet was taken as valid and handled. */
    ANSWERED,
    /** Neither within the timeout, although every declared byte was sent: the finding this command is for. */
    HUNG,
    /** Neither, but the packet declared more than the cap, so not every declared byte was sent. Not a failure. */
    BEYOND_CAP,
    /** The valid CONNECT before the case was refused or went unanswered; should not happen. */
    REFUSED_CONNECT,
    /** The TCP connection could not be opened. */
    CONNECT_FAILED;

    /** The outcome as printed, e.g. "beyond-cap". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The outcome as a JSON key, e.g. "beyond_cap". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
