package io.ternmq.core.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.ternmq.core.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every protocol violation closes its connection through here (HiveMQ's MqttServerDisconnector): one log line
 * that names the client and the rule, one counter, then the close. Only that connection is affected.
 */
public final class Disconnector {

    private static final Logger LOG = LoggerFactory.getLogger(Disconnector.class);

    private final BrokerMetrics metrics;

    public Disconnector(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Closes the connection because the client broke the protocol or a platform rule. */
    public void violation(ChannelHandlerContext ctx, String clientId, String reason) {
        metrics.protocolViolations.increment();
        LOG.info("closing {} from {}: {}", clientId == null ? "connection" : "client " + clientId,
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    /** Closes the connection for a reason that is not the client's fault to the same degree (idle, timeout). */
    public void close(ChannelHandlerContext ctx, String clientId, String reason) {
        LOG.debug("closing {} from {}: {}", clientId == null ? "connection" : "client " + clientId,
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
