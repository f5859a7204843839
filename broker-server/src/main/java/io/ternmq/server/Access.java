package io.ternmq.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.ternmq.auth.FileFormatException;
import io.ternmq.auth.FileWatch;
import io.ternmq.auth.acl.AclFile;
import io.ternmq.auth.device.DeviceRegistry;
import io.ternmq.auth.limit.SignInLimiter;
import io.ternmq.auth.password.PasswordFile;
import io.ternmq.auth.provider.Acl;
import io.ternmq.auth.provider.AnonymousProvider;
import io.ternmq.auth.provider.DeviceProvider;
import io.ternmq.auth.provider.PasswordFileProvider;
import io.ternmq.auth.provider.ProviderChain;
import io.ternmq.auth.provider.X509Provider;
import io.ternmq.config.AuthConfig;
import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigException;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.protocol.SignIn;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.store.RocksStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect, wired from the {@code auth} section: the device registry in the store, the password and ACL
 * files (re-read when they change), the providers in their order, the failed sign-in limit and the bounded
 * executor sign-ins run on. A file that cannot be read or parsed at start-up stops it, naming its key.
 */
final class Access implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    static final int MAX_RECORDS = 100_000;

    final DeviceRegistry registry;
    final DevicePresence presence = new DevicePresence();
    final SignIn signIn;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor slowExecutor;
    /** Last-online records, written off the event loops; when it falls behind, records are dropped and counted. */
    private final ThreadPoolExecutor records;
    final LongAdder recordsDropped = new LongAdder();
    private final ScheduledExecutorService files;
    private final List<FileWatch<?>> watches = new ArrayList<>();

    private Access(BrokerConfig config, RocksStore store, boolean anonymousAllowed) {
        AuthConfig auth = config.auth();
        registry = new DeviceRegistry(store);
        files = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("ternmq-auth-files", true));
        int threads = auth.threads() > 0 ? auth.threads() : Runtime.getRuntime().availableProcessors();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(auth.maxPending()), new DefaultThreadFactory("ternmq-sign-in", true));
        // Password hashes wait in a queue of their own: a flood of them does not hold up devices' sign-ins.
        slowExecutor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(auth.maxPending()), new DefaultThreadFactory("ternmq-password", true));
        records = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_RECORDS),
                new DefaultThreadFactory("ternmq-registry", true), (task, pool) -> recordsDropped.increment());
        try {
            Supplier<PasswordFile> passwords = auth.passwordFile().isEmpty() ? null
                    : watch("auth.password-file", auth.passwordFile().get(), PasswordFile::load, auth);
            if (auth.uses("password-file") && passwords == null) {
                throw ConfigException.invalidValue("auth.password-file", "none",
                        "the path of a password file, since auth.providers lists password-file",
                        "the merged configuration");
            }
            Acl acl = auth.aclFile().isEmpty() ? Acl.NONE
                    : new Acl(watch("auth.acl-file", auth.aclFile().get(), AclFile::load, auth));
            List<ProviderChain.Provider> providers = new ArrayList<>();
            for (String name : auth.providers()) {
                providers.add(switch (name) {
                    case "device" -> new DeviceProvider(registry);
                    case "password-file" -> new PasswordFileProvider(passwords, acl);
                    case "x509" -> new X509Provider(auth.x509Identity(), registry, passwords, acl);
                    case "anonymous" -> new AnonymousProvider(anonymousAllowed, acl);
                    default -> throw new IllegalStateException("unknown provider " + name);
                });
            }
            SignInLimiter limiter = new SignInLimiter(auth.maxFailuresPerMinute(), auth.blockTime().toMillis());
            signIn = new SignIn(new ProviderChain(providers, limiter, System::currentTimeMillis,
                    config.log().repeatInterval()), executor, slowExecutor, presence);
            LOG.info("sign-in providers: {}{}", String.join(", ", auth.providers()),
                    auth.uses("anonymous") && !anonymousAllowed
                            ? " (anonymous clients refused: a listener is on a non-loopback address)" : "");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static Access open(BrokerConfig config, RocksStore store, boolean anonymousAllowed) {
        Access access = new Access(config, store, anonymousAllowed);
        // Last online: when a device came and when it went, and from where.
        access.presence.listener(new DevicePresence.Listener() {
            @Override
            public void online(DeviceId device, Connection connection) {
                record(device, connection);
            }

            @Override
            public void offline(DeviceId device, Connection connection) {
                record(device, connection);
            }

            private void record(DeviceId device, Connection connection) {
                long at = System.currentTimeMillis();
                String address = connection.remoteAddress() instanceof InetSocketAddress inet
                        ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                        : String.valueOf(connection.remoteAddress());
                // On the device's event loop: the store write happens on the registry's own thread.
                access.records.execute(() -> access.registry.online(device.productKey(), device.deviceName(), at,
                        address));
            }
        });
        return access;
    }

    /** Sign-ins waiting for a thread now, quick and slow. */
    int waiting() {
        return executor.getQueue().size() + slowExecutor.getQueue().size();
    }

    private <T> Supplier<T> watch(String key, Path file, FileWatch.Loader<T> loader, AuthConfig auth) {
        try {
            long period = auth.reloadInterval().toMillis();
            if (period == 0) {
                T once = loader.load(file);
                return () -> once;
            }
            FileWatch<T> watch = FileWatch.start(file, loader, files, period);
            watches.add(watch);
            return watch::current;
        } catch (IOException e) {
            throw ConfigException.invalidValue(key, file.toString(), "a readable file (" + e + ")",
                    "the merged configuration");
        } catch (FileFormatException e) {
            throw ConfigException.invalidValue(key, file.toString(), "a valid file: " + e.getMessage(),
                    "the merged configuration");
        }
    }

    @Override
    public void close() {
        watches.forEach(FileWatch::close);
        files.shutdownNow();
        executor.shutdownNow();
        slowExecutor.shutdownNow();
        records.shutdown(); // what is queued is written: it is small
        try {
            records.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
