package io.ternmq.auth;

/**
 * A configuration file (the password file, the ACL file) that cannot be read as its format says. The message names
 * the file and the line, so an operator can go straight to it: {@code "/etc/ternmq/acl line 12: unknown access
 * \"rw\""}.
 */
public final class FileFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String problem;

    /**
     * @param source  the file's name as the operator configured it
     * @param line    the 1-based line, or 0 when the problem is not on one line
     * @param problem what is wrong, without the file and line
     */
    public FileFormatException(String source, int line, String problem) {
        super(source + (line > 0 ? " line " + line : "") + ": " + problem);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    /** The 1-based line, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
