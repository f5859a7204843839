package io.ternmq.server.rrpc;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.message.PublishMessage;
import io.ternmq.core.routing.PublishInterceptor;
import io.ternmq.core.routing.Router;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * RRPC, Alibaba's synchronous call to a device: the request is published at QoS 0 to the device alone, on
 * {@code /sys/{pk}/{dn}/rrpc/request/{messageId}} (or {@code /ext/rrpc/{messageId}/{topic}}), and the call waits
 * for the device's publish on {@code /sys/{pk}/{dn}/rrpc/response/{messageId}} (or the same ext topic). The
 * response belongs to the call: it is taken before routing and reaches no subscriber. Every publish from a
 * client to a response topic is taken: one nobody waits for (late, or for another device) is dropped and
 * counted. The waiting calls are bounded; message ids grow with the clock, so they are unique across restarts.
 */
public final class Rrpc implements PublishInterceptor, AutoCloseable {

    public enum Code { SUCCESS, TIMEOUT, OFFLINE, HALFCONN, UNKNOWN }

    /** @param payload the device's response; null unless SUCCESS */
    public record Result(Code code, long messageId, byte[] payload) {
    }

    /** More calls are waiting than {@code api.rrpc-max-pending} allows. */
    public static final class TooManyCalls extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyCalls(int max) {
            super(max + " RRPC calls are waiting already (api.rrpc-max-pending)", null, false, false);
        }
    }

    private static final String SYS = "/sys/";
    private static final String RESPONSE = "/rrpc/response/";
    private static final String EXT = "/ext/rrpc/";

    private record Pending(long id, String clientId, String responseTopic, CompletableFuture<Result> result) {
    }

    private final Router router;
    private final DevicePresence presence;
    private final int maxPending;
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong lastId;
    private final HashedWheelTimer timer = new HashedWheelTimer(new DefaultThreadFactory("ternmq-rrpc", true),
            10, TimeUnit.MILLISECONDS);
    public final LongAdder calls = new LongAdder();
    public final LongAdder late = new LongAdder();
    public final LongAdder refused = new LongAdder();

    public Rrpc(Router router, DevicePresence presence, int maxPending) {
        this.router = router;
        this.presence = presence;
        this.maxPending = maxPending;
        this.lastId = new AtomicLong(System.currentTimeMillis() << 12);
    }

    /**
     * Calls the device. OFFLINE and HALFCONN answer at once; otherwise the result completes with the device's
     * response or TIMEOUT after {@code timeoutMillis}.
     *
     * @param topic null for the {@code /sys/} form; else the custom topic of the {@code /ext/rrpc/} form, without
     *              its leading slash
     * @throws TooManyCalls when {@code api.rrpc-max-pending} calls are waiting already
     */
    public CompletableFuture<Result> call(DeviceId device, byte[] request, long timeoutMillis, String topic) {
        calls.increment();
        Connection connection = presence.connection(device);
        if (connection == null) {
            return CompletableFuture.completedFuture(new Result(Code.OFFLINE, 0, null));
        }
        if (connection.silentMillis() > connection.info().keepaliveSeconds() * 1000L) {
            // Still open, but not heard from for longer than its keepalive: its network is likely gone.
            return CompletableFuture.completedFuture(new Result(Code.HALFCONN, 0, null));
        }
        if (waiting.incrementAndGet() > maxPending) {
            waiting.decrementAndGet();
            refused.increment();
            throw new TooManyCalls(maxPending);
        }
        long id = nextId();
        String requestTopic = topic == null ? SYS + device.productKey() + "/" + device.deviceName()
                + "/rrpc/request/" + id : EXT + id + "/" + topic;
        String responseTopic = topic == null ? SYS + device.productKey() + "/" + device.deviceName() + RESPONSE + id
                : requestTopic;
        Pending call = new Pending(id, connection.clientId(), responseTopic, new CompletableFuture<>());
        pending.put(id, call);
        call.result().whenComplete((r, e) -> waiting.decrementAndGet());
        Timeout timeout = timer.newTimeout(t -> {
            if (pending.remove(id, call)) {
                call.result().complete(new Result(Code.TIMEOUT, id, null));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        call.result().whenComplete((r, e) -> timeout.cancel());
        // To the device alone: another device subscribed to the same ext topic must not see the request.
        router.routeTo(call.clientId(), new PublishMessage(requestTopic, 0, request, ""));
        return call.result();
    }

    @Override
    public boolean intercept(PublishMessage message) {
        String topic = message.topic();
        long id;
        if (topic.startsWith(SYS)) {
            // exactly /sys/{pk}/{dn}/rrpc/response/{id}: the response topic, and no other under /sys/
            int pk = topic.indexOf('/', SYS.length());
            int dn = pk < 0 ? -1 : topic.indexOf('/', pk + 1);
            if (dn < 0 || !topic.startsWith(RESPONSE, dn) || topic.indexOf('/', dn + RESPONSE.length()) >= 0) {
                return false;
            }
            id = parseId(topic, dn + RESPONSE.length(), topic.length());
        } else if (topic.startsWith(EXT)) {
            int end = topic.indexOf('/', EXT.length());
            id = parseId(topic, EXT.length(), end < 0 ? topic.length() : end);
        } else {
            return false;
        }
        if (message.publisherId().isEmpty()) {
            return false; // the broker's own publish (an ext request is published to the response's topic)
        }
        Pending call = id < 0 ? null : pending.get(id);
        if (call != null && topic.equals(call.responseTopic()) && message.publisherId().equals(call.clientId())
                && pending.remove(id, call)) {
            call.result().complete(new Result(Code.SUCCESS, id, message.payload()));
        } else {
            late.increment(); // late, unknown, or from another client: nobody waits for it here
        }
        return true;
    }

    private static long parseId(String topic, int from, int to) {
        if (from >= to || to - from > 19) {
            return -1;
        }
        long id = 0;
        for (int i = from; i < to; i++) {
            char c = topic.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    /** Above the last one and above the clock's milliseconds times 4096: a restart does not reuse an id. */
    private long nextId() {
        long floor = System.currentTimeMillis() << 12;
        return lastId.updateAndGet(last -> Math.max(last + 1, floor));
    }

    /** Whether the device has a live connection (it is registered then: only registered devices sign in). */
    public boolean online(DeviceId device) {
        return presence.connection(device) != null;
    }

    /** Calls waiting for their devices now. */
    public int waiting() {
        return waiting.get();
    }

    /** Waiting calls are answered UNKNOWN: the broker is stopping. */
    @Override
    public void close() {
        timer.stop();
        for (Pending call : pending.values()) {
            if (pending.remove(call.id(), call)) {
                call.result().complete(new Result(Code.UNKNOWN, call.id(), null));
            }
        }
    }
}
