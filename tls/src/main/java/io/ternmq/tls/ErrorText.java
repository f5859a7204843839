package io.ternmq.tls;

/** A TLS or certificate error as one line for the operator: the innermost cause that says something. */
public final class ErrorText {

    private ErrorText() {
    }

    public static String of(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return text.replace('\n', ' ').strip();
    }
}
