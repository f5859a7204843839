package io.ternmq.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
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

    private final Socket channel;
    private final MockTicker clock;

    /**
     * An EmbeddedChannel whose "socket" takes each flushed ByteBuf as the peer would: its bytes are recorded and
     * the buffer is released at once, so nothing the broker wrote can leak because a test did not read it. The
     * socket can stall: flushed bytes then stay in the outbound buffer.
     */
    private static final class Socket extends EmbeddedChannel {
        private final List<String> received = new ArrayList<>();
        private boolean stalled;

        Socket(EmbeddedChannel.Builder builder) {
            super(builder);
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            if (stalled) {
                return;
            }
            Object msg;
            while ((msg = in.current()) != null) {
                if (msg instanceof ByteBuf buf) {
                    if (buf.isReadable()) {
                        received.add(Hex.of(ByteBufUtil.getBytes(buf)));
                    }
                } else {
                    received.add("<not bytes: " + msg + ">"); // something bypassed the encoder
                }
                in.remove();
            }
        }
    }

    private WireClient(Socket channel, MockTicker clock) {
        this.channel = channel;
        this.clock = clock;
    }

    /** A new connection with the pipeline installed, as a transport would: handlers first, then active. */
    public static WireClient open(TestEngine broker) {
        MockTicker clock = Ticker.newMockTicker();
        Socket channel = new Socket(EmbeddedChannel.builder().register(false).ticker(clock));
        broker.pipelineInstaller().install(channel, "tcp");
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new WireClient(channel, clock);
    }

    /** Opens a connection, sends a 3.1.1 CONNECT and checks that CONNACK accepted it. */
    public static WireClient connect(TestEngine broker, String clientId, boolean cleanSession) {
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
        String out = String.join(" ", channel.received);
        channel.received.clear();
        return out;
    }

    /**
     * The peer stops reading: whatever is flushed from now on stays in the channel's outbound buffer, and
     * once that passes the high-water mark the channel is not writable.
     */
    public void stallSocket() {
        channel.stalled = true;
    }

    /** The peer reads again: the outbound buffer is written out and the channel becomes writable. */
    public void resumeSocket() {
        channel.stalled = false;
        channel.flush();
        channel.runPendingTasks();
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
