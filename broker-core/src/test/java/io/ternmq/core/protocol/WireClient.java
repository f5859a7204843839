package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.ternmq.core.Broker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection on an {@link EmbeddedChannel} carrying the broker's real pipeline. The test writes raw
 * bytes in and reads raw bytes out, as a device on the other end of a socket would. Time is frozen: timers move
 * only through {@link #advance}.
 */
public final class WireClient {

    private final EmbeddedChannel channel;
    private final MockTicker clock;

    private WireClient(EmbeddedChannel channel, MockTicker clock) {
        this.channel = channel;
        this.clock = clock;
    }

    /** A new connection with the pipeline installed, as a transport would: handlers first, then active. */
    public static WireClient open(Broker broker) {
        MockTicker clock = Ticker.newMockTicker();
        EmbeddedChannel channel = EmbeddedChannel.builder().register(false).ticker(clock).build();
        broker.pipelineInstaller().install(channel, "tcp");
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new WireClient(channel, clock);
    }

    /** Opens a connection, sends a 3.1.1 CONNECT and checks that CONNACK accepted it. */
    public static WireClient connect(Broker broker, String clientId, boolean cleanSession) {
        WireClient client = open(broker);
        client.send(Packets.connect(clientId, cleanSession, 60));
        String connAck = client.read();
        assertEquals(2 * 3 + 5, connAck.length(), "expected a lone CONNACK, got " + connAck);
        assertEquals("20 02", connAck.substring(0, 5), connAck);
        assertEquals("00", connAck.substring(9), "CONNACK return code: " + connAck);
        return client;
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    /** Writes raw bytes as if they arrived from the socket; whitespace in hex is ignored. */
    public WireClient send(String hex) {
        return send(Hex.bytes(hex));
    }

    public WireClient send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        return this;
    }

    /** Everything the broker wrote and flushed since the last read, as hex; "" when nothing. */
    public String read() {
        channel.runPendingTasks(); // flushes that FlushConsolidationHandler deferred to the event loop
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) o;
            try {
                if (buf.isReadable()) {
                    out.add(Hex.of(ByteBufUtil.getBytes(buf)));
                }
            } finally {
                buf.release();
            }
        }
        return String.join(" ", out);
    }

    public boolean isOpen() {
        channel.runPendingTasks();
        return channel.isOpen();
    }

    /** Moves the channel's clock forward and runs the timers that became due. */
    public void advance(Duration duration) {
        clock.advance(duration.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** The client goes away without DISCONNECT (socket closed). Releases whatever was left unread. */
    public void drop() {
        channel.close();
        channel.finishAndReleaseAll();
    }

    /** The names of the pipeline's handlers, in order, without Netty's tail. */
    public List<String> handlerNames() {
        List<String> names = new ArrayList<>(channel.pipeline().names());
        names.removeIf(n -> n.startsWith("DefaultChannelPipeline$TailContext"));
        return names;
    }
}
