package io.ternmq.auth.password;

import io.ternmq.auth.FileFormatException;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ternmq passwd [-b] [-D] FILE USER [PASSWORD]}: mosquitto_passwd's everyday uses, writing a file both
 * brokers read.
 * <ul>
 *   <li>{@code FILE USER}: asks for the password twice on the console, or reads one line from standard input
 *       when there is no console (a script's pipe);</li>
 *   <li>{@code -b FILE USER PASSWORD}: takes it from the command line (it is then visible to other users of the
 *       machine, as mosquitto_passwd warns);</li>
 *   <li>{@code -D FILE USER}: deletes the user.</li>
 * </ul>
 * The file is created when missing. Exit code 0 when done, 1 when the file cannot be read or written or the user
 * to delete is not in it, 2 for a usage error or bad input; every failure is one line on standard error.
 */
public final class Passwd {

    static final String USAGE = "usage: ternmq passwd [-b] [-D] FILE USER [PASSWORD]";

    /** A password line longer than this from standard input is not a password. */
    private static final int MAX_LINE = 64 * 1024;

    private Passwd() {
    }

    /**
     * Runs the command.
     *
     * @param in where the password is read from when there is no console ({@link System#console()} is used only
     *           when {@code in} is {@link System#in})
     * @return the exit code
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        boolean batch = false;
        boolean delete = false;
        List<String> positional = new ArrayList<>();
        for (String arg : args) {
            if (positional.isEmpty() && arg.equals("-b")) {
                batch = true;
            } else if (positional.isEmpty() && arg.equals("-D")) {
                delete = true;
            } else if (positional.isEmpty() && arg.startsWith("-") && arg.length() > 1) {
                return usage(err, "unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        if (batch && delete) {
            return usage(err, "-b and -D cannot be used together");
        }
        int expected = batch ? 3 : 2;
        if (positional.size() != expected) {
            return usage(err, (batch ? "-b takes FILE, USER and PASSWORD" : "expected FILE and USER")
                    + ", got " + positional.size() + " arguments");
        }
        Path file = Path.of(positional.get(0));
        String user = positional.get(1);
        try {
            PasswordFile.checkUser(user);
        } catch (IllegalArgumentException e) {
            return fail(err, 2, e.getMessage());
        }
        try {
            if (delete) {
                if (!PasswordFile.delete(file, user)) {
                    return fail(err, 1, "user " + user + " is not in " + file);
                }
                out.println("deleted user " + user + " from " + file);
                return 0;
            }
            char[] password;
            if (batch) {
                password = positional.get(2).toCharArray();
            } else {
                Console console = in == System.in ? System.console() : null;
                password = console != null ? fromConsole(console) : fromStream(in);
            }
            try {
                PasswordFile.setPassword(file, user, password, PasswordFile.DEFAULT_ITERATIONS);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("set the password of user " + user + " in " + file);
            return 0;
        } catch (IllegalArgumentException | FileFormatException e) {
            return fail(err, 2, e.getMessage());
        } catch (NoSuchFileException e) {
            return fail(err, 1, (delete ? "" : "cannot write " + file + ": ") + e.getFile() + " does not exist");
        } catch (IOException e) {
            return fail(err, 1, "cannot write " + file + ": " + e);
        }
    }

    private static char[] fromConsole(Console console) {
        char[] first = console.readPassword("Password: ");
        if (first == null) {
            throw new IllegalArgumentException("no password given");
        }
        char[] second = console.readPassword("Reenter password: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw new IllegalArgumentException("the passwords do not match");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** One line, read byte by byte so nothing after it is consumed; its line end is not part of it. */
    private static char[] fromStream(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() == MAX_LINE) {
                throw new IllegalArgumentException("the password line on standard input is longer than "
                        + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (b < 0 && bytes.length == 0) {
            throw new IllegalArgumentException("no password on standard input");
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, length));
        char[] password = new char[chars.remaining()];
        chars.get(password);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        Arrays.fill(bytes, (byte) 0);
        return password;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("ternmq passwd: " + problem + "; " + USAGE);
        return 2;
    }

    private static int fail(PrintStream err, int code, String problem) {
        err.println("ternmq passwd: " + problem);
        return code;
    }
}
