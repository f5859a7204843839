package io.ternmq.transport.tcp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops the socket listeners share: native epoll where the platform has it, NIO otherwise. One
 * acceptor thread, and one I/O thread per core by default.
 */
public final class NettyEventLoops implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyEventLoops.class);

    private final boolean epoll;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;

    public NettyEventLoops(int ioThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ternmq-accept"), factory);
        this.workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("ternmq-io"), factory);
        if (epoll) {
            LOG.info("network I/O: native epoll, I/O threads: {}", ioThreads);
        } else {
            LOG.info("network I/O: NIO, I/O threads: {} (native epoll unavailable: {})", ioThreads,
                    Epoll.unavailabilityCause() == null ? "not Linux" : Epoll.unavailabilityCause().getMessage());
        }
    }

    public boolean epoll() {
        return epoll;
    }

    /** The loop that accepts connections for every TCP listener (MQTT and the admin API). */
    public EventLoopGroup acceptors() {
        return acceptors;
    }

    /** The I/O event loops, which also own the sessions (passed to the Broker). */
    public EventLoopGroup workers() {
        return workers;
    }

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Lets queued writes finish, then stops the threads. */
    @Override
    public void close() {
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
