package io.ternmq.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * churn: how many connections a second the broker takes. {@code --concurrency} workers, each in a loop until the
 * deadline: open a connection, send CONNECT (signed in as {@link Credentials} say), on CONNACK record the connect
 * latency (from the socket's connect, as conn does, to the CONNACK) and send DISCONNECT, wait for the broker to
 * close the connection (at most {@value #CLOSE_WAIT_MILLIS} ms, then the worker closes it), and start again as
 * the next client. Waiting for the broker's close keeps the client's ephemeral ports free: the TIME_WAIT is the
 * broker's. A refused CONNECT is counted and its worker pauses {@value #PAUSE_MILLIS} ms before the next, so a
 * broker refusing everything is not hammered.
 *
 * <p>Only CONNACKs between the end of the warm-up and the deadline count; the connections under way at the
 * deadline finish uncounted.
 */
final class Churn {

    static final long CLOSE_WAIT_MILLIS = 2000;
    static final long PAUSE_MILLIS = 100;
    /** How long the connections under way at the deadline get to finish before they are closed. */
    private static final long FINISH_MILLIS = 5000;

    private final ClientPool pool;
    private final Options o;
    private final Stats stats;
    private final Credentials credentials;
    private final int workers;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> firstProblem = new AtomicReference<>();
    private final ScheduledExecutorService pauses = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "churn-pause");
        t.setDaemon(true);
        return t;
    });
    private CountDownLatch finished;
    private volatile long countFromNanos;
    private volatile long deadlineNanos;

    /**
     * @throws IllegalArgumentException for device sign-in with fewer devices than workers (two workers would sign
     *                                  in as one device, and each sign-in would take the other's connection over)
     */
    Churn(ClientPool pool, Options o, Stats stats, Credentials credentials) {
        this.pool = pool;
        this.o = o;
        this.stats = stats;
        this.credentials = credentials;
        this.workers = o.concurrency();
        if (o.signIn().equals("device") && credentials.devices() < workers) {
            throw new IllegalArgumentException("--sign-in device with --concurrency " + workers + " needs at least "
                    + workers + " devices in --devices, found " + credentials.devices());
        }
    }

    /**
     * Starts the workers at --connect-rate a second; they go on until the deadline. What happens before
     * {@code countFrom} (the warm-up) is not counted.
     */
    void start(long countFrom, long deadline) {
        countFromNanos = countFrom;
        deadlineNanos = deadline;
        finished = new CountDownLatch(workers);
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            long due = start + (long) (w * 1e9 / o.connectRate());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            cycle(w, 0);
        }
    }

    /** Within the measured window. */
    private boolean counting(long now) {
        return now - countFromNanos >= 0 && now - deadlineNanos < 0;
    }

    /** After the deadline: lets the connections under way finish, then closes what is left. */
    void finish() throws InterruptedException {
        finished.await(FINISH_MILLIS, TimeUnit.MILLISECONDS);
        for (Channel c : open) {
            c.close();
        }
        pauses.shutdownNow();
    }

    /** The first refusal or failure, for the summary; null when there was none. */
    String firstProblem() {
        return firstProblem.get();
    }

    /** Worker {@code w}'s {@code k}th connection, or its end once the deadline passed. */
    private void cycle(int w, long k) {
        if (System.nanoTime() >= deadlineNanos) {
            finished.countDown();
            return;
        }
        Connection c = new Connection(w, k, credentials.login(o.clientPrefix() + "-churn-" + w + "-" + k,
                deviceIndex(w, k)));
        ChannelFuture f = pool.open(c);
        open.add(f.channel());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                stats.connectFailed.increment();
                problem("connect failed: " + done.cause());
                open.remove(f.channel());
                later(w, k + 1);
            }
        });
    }

    /**
     * Worker {@code w} signs in as devices {@code w}, {@code w + workers}, {@code w + 2 workers}, ... in turn, so no
     * two workers ever sign in as the same device.
     */
    private int deviceIndex(int w, long k) {
        int devices = credentials.devices();
        if (devices == 0) {
            return w;
        }
        int mine = (devices - 1 - w) / workers + 1;
        return (int) (w + Math.floorMod(k, (long) mine) * workers);
    }

    private void later(int w, long k) {
        pauses.schedule(() -> cycle(w, k), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void problem(String what) {
        firstProblem.compareAndSet(null, what);
    }

    /** One connection of a worker: CONNECT, CONNACK, DISCONNECT, the broker's close, and the worker's next. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        private final int worker;
        private final long k;
        private final Credentials.Login login;
        private final long startNanos;
        private boolean accepted;
        private boolean again;
        private ScheduledFuture<?> closeTimer;

        Connection(int worker, long k, Credentials.Login login) {
            this.worker = worker;
            this.k = k;
            this.login = login;
            this.startNanos = System.nanoTime();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(MqttMessageBuilders.connect()
                    .clientId(login.clientId())
                    .protocolVersion(o.mqttVersion() == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1)
                    .cleanSession(true)
                    .keepAlive(o.keepalive())
                    .username(login.username())
                    .password(login.password())
                    .build());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                MqttMessage message = (MqttMessage) msg;
                if (message.decoderResult().isFailure()
                        || message.fixedHeader().messageType() != MqttMessageType.CONNACK || accepted) {
                    stats.errors.increment();
                    problem("unexpected " + (message.decoderResult().isFailure() ? "malformed packet"
                            : message.fixedHeader().messageType()) + " from the broker");
                    ctx.close();
                    return;
                }
                connAck(ctx, (MqttConnAckMessage) message);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void connAck(ChannelHandlerContext ctx, MqttConnAckMessage connAck) {
            MqttConnectReturnCode code = connAck.variableHeader().connectReturnCode();
            long now = System.nanoTime();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                if (counting(now)) {
                    stats.refused.increment();
                }
                problem("CONNACK " + code + " (0x" + Integer.toHexString(code.byteValue() & 0xFF) + ")");
                again = true; // after a pause
                ctx.close();
                return;
            }
            accepted = true;
            stats.acceptedAll.increment();
            if (counting(now)) {
                stats.recordConnect(now - startNanos);
                stats.connected.increment();
            }
            ctx.writeAndFlush(MqttMessage.DISCONNECT);
            closeTimer = ctx.executor().schedule(() -> {
                ctx.close();
            }, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(ctx.channel());
            boolean closedByBroker = closeTimer == null || !closeTimer.isDone();
            if (closeTimer != null) {
                closeTimer.cancel(false);
            }
            if (accepted && closedByBroker) {
                if (counting(System.nanoTime())) {
                    stats.cycles.increment();
                }
                cycle(worker, k + 1);
            } else if (accepted) {
                problem("the broker did not close the connection within " + CLOSE_WAIT_MILLIS
                        + " ms of DISCONNECT");
                stats.errors.increment();
                cycle(worker, k + 1);
            } else {
                if (!again) {
                    stats.errors.increment();
                    problem("the broker closed the connection before its CONNACK");
                }
                later(worker, k + 1);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            stats.errors.increment();
            problem(cause.toString());
            ctx.close();
        }
    }
}
