package io.ternmq.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running broker's local control socket, {@code {data-dir}/ternmq.sock} (a Unix domain socket, mode 0600): what
 * lets {@code ternmq backup DIR} checkpoint a store that a running broker holds. One request line, one answer line:
 * {@code backup /absolute/dir} answers {@code ok FILES BYTES} or {@code error MESSAGE}.
 */
final class ControlSocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);

    static final String FILE = "ternmq.sock";
    private static final int MAX_LINE = 4096;
    private static final int MAX_CONCURRENT = 4;

    private final ServerSocketChannel server;
    private final Path path;
    private final Thread acceptor;
    private final Semaphore running = new Semaphore(MAX_CONCURRENT);
    private final Function<Path, Backup.Result> backup;

    private ControlSocket(ServerSocketChannel server, Path path, Function<Path, Backup.Result> backup) {
        this.server = server;
        this.path = path;
        this.backup = backup;
        this.acceptor = new Thread(this::accept, "ternmq-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens in the data directory (which this broker holds, so a socket file left by a killed broker is stale
     * and replaced). Null, with a warning, where the socket cannot be made: a path longer than Unix sockets allow.
     */
    static ControlSocket open(Path dataDir, Function<Path, Backup.Result> backup) {
        Path path = dataDir.resolve(FILE).toAbsolutePath().normalize();
        ServerSocketChannel server = null;
        try {
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's own permissions guard it
            }
            ControlSocket socket = new ControlSocket(server, path, backup);
            socket.acceptor.start();
            return socket;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // nothing bound
                }
            }
            LOG.warn("no control socket at {} ({}): ternmq backup cannot reach this broker while it runs; "
                    + "a shorter data-dir path fixes it", path, e.getMessage());
            return null;
        }
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("control socket: {}", e.getMessage());
                continue;
            }
            if (!running.tryAcquire()) {
                answer(client, "error busy: " + MAX_CONCURRENT + " control requests are running, try again");
                continue;
            }
            Thread worker = new Thread(() -> {
                try {
                    serve(client);
                } finally {
                    running.release();
                }
            }, "ternmq-control-request");
            worker.setDaemon(true);
            worker.start();
        }
    }

    private void serve(SocketChannel client) {
        String answer;
        try {
            String line = readLine(client);
            answer = handle(line);
        } catch (IOException e) {
            answer = "error " + e.getMessage();
        }
        answer(client, answer);
    }

    private String handle(String line) {
        if (line == null || !line.startsWith("backup ")) {
            return "error unknown request (this socket answers: backup DIR)";
        }
        try {
            Backup.Result result = backup.apply(Path.of(line.substring("backup ".length())));
            LOG.info("backup written to {} ({} files, {} bytes)", result.target(), result.files(), result.bytes());
            return "ok " + result.files() + " " + result.bytes();
        } catch (Backup.BackupException e) {
            LOG.warn("backup refused: {}", e.getMessage());
            return "error " + e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("backup failed", e);
            return "error " + e;
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                StandardCharsets.UTF_8), MAX_LINE);
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() >= MAX_LINE) {
                throw new IOException("request longer than " + MAX_LINE + " characters");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    private static void answer(SocketChannel client, String answer) {
        try (client) {
            OutputStream out = Channels.newOutputStream(client);
            out.write((answer.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            LOG.debug("control socket client left before its answer: {}", e.getMessage());
        }
    }

    /** The command's side: asks the broker that holds {@code dataDir} for a checkpoint in {@code target}. */
    static Backup.Result backup(Path dataDir, Path target) {
        Path path = dataDir.resolve(FILE).toAbsolutePath().normalize();
        String answer;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            OutputStream out = Channels.newOutputStream(channel);
            out.write(("backup " + target + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            answer = readLine(channel);
        } catch (IOException | RuntimeException e) {
            throw new Backup.BackupException("a running broker holds " + dataDir.toAbsolutePath().normalize()
                    + " but does not answer on " + path + " (" + e.getMessage() + "): run this as the user the broker "
                    + "runs as, or stop the broker and run it again");
        }
        if (answer.startsWith("ok ")) {
            String[] parts = answer.split(" ");
            return new Backup.Result(target, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
        throw new Backup.BackupException("the running broker refused: "
                + (answer.startsWith("error ") ? answer.substring("error ".length()) : answer));
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // the next start replaces it
        }
    }
}
