package io.ternmq.core.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.ternmq.core.Broker;
import io.ternmq.core.codec.MqttFrameDecoder;
import io.ternmq.config.LimitsConfig;

/**
 * Builds the MQTT part of every connection's pipeline, whatever the transport (HiveMQ's
 * AbstractChannelInitializer). A transport adds only what sits in front (TLS, a QUIC stream) and then calls
 * {@link #install}. After CONNECT the connect handler replaces itself with the protocol handler of the client's
 * version, which also watches the keepalive:
 * <pre>
 *   [front] connection-limit, flush-consolidation, mqtt-decoder, mqtt-encoder, connect
 *   after CONNECT: ... mqtt-encoder, mqtt3 (MQTT 3.1 and 3.1.1) or mqtt5 (MQTT 5.0)
 * </pre>
 */
public final class MqttPipelineInstaller {

    public static final String FLUSH = "flush-consolidation";
    public static final String DECODER = MqttFrameDecoder.NAME;
    public static final String ENCODER = "mqtt-encoder";
    public static final String CONNECT = ConnectHandler.NAME;
    public static final String MQTT3 = Mqtt3Handler.NAME;
    public static final String MQTT5 = Mqtt5Handler.NAME;

    private final Broker broker;
    private final ConnectionLimiter connectionLimiter;

    public MqttPipelineInstaller(Broker broker) {
        this.broker = broker;
        this.connectionLimiter = new ConnectionLimiter(broker.policy().limits().maxConnections(), broker.metrics());
    }

    /** Adds the MQTT handlers to the end of the channel's pipeline. transport names the listener, e.g. "tcp". */
    public void install(Channel channel, String transport) {
        LimitsConfig limits = broker.policy().limits();
        ChannelPipeline p = channel.pipeline();
        p.addLast(ConnectionLimiter.NAME, connectionLimiter);
        // The replies to one read's packets, and deliveries from other connections, go out in one syscall per
        // burst instead of one per packet.
        p.addLast(FLUSH, new FlushConsolidationHandler(256, true));
        // Each packet is decoded within its own bytes; one over max-packet-size is refused from its fixed header.
        p.addLast(DECODER, new MqttFrameDecoder(limits.maxPacketSize()));
        p.addLast(ENCODER, MqttEncoder.INSTANCE);
        p.addLast(CONNECT, new ConnectHandler(broker, transport));
    }

    /** Open connections across every transport using this installer. */
    public int openConnections() {
        return connectionLimiter.open();
    }
}
