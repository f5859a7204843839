package io.ternmq.core.protocol;

import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.session.DevicePresence;
import java.util.concurrent.Executor;

/**
 * How CONNECTs are judged: the authenticator, the bounded executors it runs on unless it is
 * {@linkplain Authenticator#inline() inline} (a full one refuses with 0x89 Server busy / 0x03): one for quick
 * sign-ins, one for {@linkplain Authenticator#slow slow} ones (password hashes), so a flood of the slow kind does
 * not queue the quick kind behind it; and the devices' live connections.
 */
public record SignIn(Authenticator authenticator, Executor executor, Executor slowExecutor, DevicePresence presence) {

    /** Everything on the calling thread: the engine's unit tests. */
    public static SignIn inline(Authenticator authenticator) {
        return new SignIn(authenticator, Runnable::run, Runnable::run, new DevicePresence());
    }
}
