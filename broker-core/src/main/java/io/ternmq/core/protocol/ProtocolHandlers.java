package io.ternmq.core.protocol;

import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.trace.MessageTrace;

/**
 * Makes the protocol handler of a connection that completed CONNECT, for its MQTT version, with the broker's
 * collaborators every such handler uses: the rules it asks, the router it hands messages to, the disconnector,
 * the trace and the counters.
 */
final class ProtocolHandlers {

    private final PlatformPolicy policy;
    private final Router router;
    private final Disconnector disconnector;
    private final MessageTrace trace;
    private final BrokerMetrics metrics;

    ProtocolHandlers(PlatformPolicy policy, Router router, Disconnector disconnector, MessageTrace trace,
                     BrokerMetrics metrics) {
        this.policy = policy;
        this.router = router;
        this.disconnector = disconnector;
        this.trace = trace;
        this.metrics = metrics;
    }

    SessionPacketHandler mqtt3(ClientConnection connection, long keepaliveMillis) {
        return new Mqtt3Handler(connection, keepaliveMillis, policy, router, disconnector, trace, metrics);
    }

    SessionPacketHandler mqtt5(ClientConnection connection, long connectExpiry, long keepaliveMillis) {
        return new Mqtt5Handler(connection, connectExpiry, keepaliveMillis, policy, router, disconnector, trace, metrics);
    }
}
