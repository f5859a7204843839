package io.ternmq.server;

/**
 * A listener could not bind its address: another process holds the port, or the address is not this machine's.
 * Start-up stops before any listener is announced, with exit code 2 and this one line, which names the listener,
 * the address, the port and the setting.
 */
final class ListenerBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ListenerBindException(String listener, String key, String host, int port, Throwable cause) {
        super(listener + " cannot listen on " + host + ":" + port + " (" + key + "): " + reason(cause), cause);
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        // Netty's native transport says "bind(..) failed: Address already in use"; the JDK "Address already in use".
        int colon = message.lastIndexOf(": ");
        String reason = colon >= 0 ? message.substring(colon + 2) : message;
        return reason.toLowerCase(java.util.Locale.ROOT).contains("in use")
                ? "the port is in use by another process" : reason;
    }
}
