package io.ternmq.transport.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.ternmq.core.protocol.MqttPipelineInstaller;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket listener for MQTT over TCP, plain or with TLS in front. Everything MQTT comes from the shared
 * {@link MqttPipelineInstaller}; this class binds the socket, sets socket options and adds its
 * {@link ListenerFront} (nothing for plain TCP, TLS for 8883) before the MQTT handlers.
 */
public final class TcpListener implements AutoCloseable {

    public static final String TRANSPORT = ListenerFront.PLAIN.transport();

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    /** Above this many unsent bytes a connection reports unwritable and its session queues instead. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final NettyEventLoops loops;
    private final MqttPipelineInstaller installer;
    private final String host;
    private final int port;
    private final ListenerFront front;
    private Channel serverChannel;

    /** Plain MQTT over TCP. */
    public TcpListener(NettyEventLoops loops, MqttPipelineInstaller installer, String host, int port) {
        this(loops, installer, host, port, ListenerFront.PLAIN);
    }

    public TcpListener(NettyEventLoops loops, MqttPipelineInstaller installer, String host, int port,
                       ListenerFront front) {
        this.loops = loops;
        this.installer = installer;
        this.host = host;
        this.port = port;
        this.front = front;
    }

    /**
     * Binds and starts accepting; returns the bound address (useful with port 0 in tests). Fails while another
     * socket holds the port: SO_REUSEADDR only lets a restart bind over connections still in TIME_WAIT.
     */
    public InetSocketAddress bind() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptors(), loops.workers())
                .channel(loops.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        front.addTo(ch);
                        installer.install(ch, front.transport());
                    }
                });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Logs the listener's line, once every listener of the broker is bound. */
    public void announce() {
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        String details = front.details().isEmpty() ? "" : " (" + front.details() + ")";
        LOG.info("{} listening on {}:{}{}", front.description(), bound.getHostString(), bound.getPort(), details);
    }

    /** Stops accepting new connections; open ones stay. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
        }
    }
}
