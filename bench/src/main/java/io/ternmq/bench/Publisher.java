package io.ternmq.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of one client, run on its channel's event loop. With a rate, a timer works out how many
 * messages are due since the start and sends them (so a late tick catches up, and the achieved rate shows when
 * the broker cannot keep up); without one, it sends whenever the socket is writable. QoS 1 never has more than
 * the in-flight window unacknowledged. Each pump ends with one flush.
 */
final class Publisher {

    /** Messages one pump sends before it yields the event loop to the other channels on it. */
    private static final int BATCH = 256;
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int index;
    private final String topic;
    private final Options options;
    private final Stats stats;
    private Channel channel;
    private ScheduledFuture<?> timer;
    private long startNanos;
    private long deadlineNanos;
    private int sequence;
    private int inflight;
    private int nextPacketId;
    private boolean stopped;

    Publisher(int index, String topic, Options options, Stats stats) {
        this.index = index;
        this.topic = topic;
        this.options = options;
        this.stats = stats;
    }

    /** Starts publishing on the channel's event loop until deadlineNanos (System.nanoTime). */
    void start(Channel channel, long deadlineNanos) {
        this.channel = channel;
        this.deadlineNanos = deadlineNanos;
        channel.eventLoop().execute(() -> {
            startNanos = System.nanoTime();
            if (options.rate() > 0) {
                long period = Math.max(MIN_TICK_NANOS, (long) (1e9 / options.rate()));
                // A random phase, so a thousand publishers do not all send in the same millisecond.
                long phase = ThreadLocalRandom.current().nextLong(period);
                startNanos += phase;
                timer = channel.eventLoop().scheduleAtFixedRate(this::pump, phase, period, TimeUnit.NANOSECONDS);
            } else {
                pump();
            }
        });
    }

    /** Sends what is due and what the window and the socket allow. Event loop only. */
    void pump() {
        if (stopped || channel == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - deadlineNanos >= 0) {
            stop();
            return;
        }
        long due = options.rate() > 0 ? (long) ((now - startNanos) * options.rate() / 1e9) + 1 - sequence : BATCH;
        int sent = 0;
        while (sent < Math.min(due, BATCH) && channel.isWritable()
                && (options.qos() == 0 || inflight < options.inflight())) {
            send();
            sent++;
        }
        if (sent > 0) {
            channel.flush();
        }
        if (options.rate() == 0 && sent == BATCH) {
            channel.eventLoop().execute(this::pump); // more to send: come back after the other channels had a turn
        }
    }

    /** A PUBACK arrived for one of ours. */
    void acknowledged(int packetId) {
        stats.acked.increment();
        inflight--;
        pump();
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void send() {
        ByteBuf payload = channel.alloc().buffer(options.payloadSize());
        Payload.write(payload, index, sequence++, BenchClock.now(), options.payloadSize());
        int packetId = 0;
        if (options.qos() == 1) {
            nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
            packetId = nextPacketId;
            inflight++;
        }
        MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(options.qos()),
                false, 0);
        channel.write(new MqttPublishMessage(fixed, new MqttPublishVariableHeader(topic, packetId), payload),
                channel.voidPromise());
        stats.published.increment();
    }
}
