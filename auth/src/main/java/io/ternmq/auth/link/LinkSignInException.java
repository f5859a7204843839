package io.ternmq.auth.link;

/**
 * A client id that has the Link SDK's {@code |...|} part but not a well-formed one. The message names the
 * parameter at fault and never carries a secret, so it can go to the log and the MQTT 5 reason string.
 */
public final class LinkSignInException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    LinkSignInException(String message) {
        super(message);
    }
}
