package io.ternmq.core.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ternmq.core.Broker;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.connection.TlsIdentity;
import io.ternmq.core.session.SessionRegistry;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prelude of every connection: waits for CONNECT (closing a socket that sends none in time), checks it
 * against the protocol and the platform rules, authenticates, then swaps itself for the keepalive watchdog and
 * the protocol handler and binds the connection to its session on the session's owner.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "connect";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final Broker broker;
    private final String transport;
    private ScheduledFuture<?> connectTimeout;

    ConnectHandler(Broker broker, String transport) {
        this.broker = broker;
        this.transport = transport;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            scheduleConnectTimeout(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        scheduleConnectTimeout(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
    }

    private void scheduleConnectTimeout(ChannelHandlerContext ctx) {
        if (connectTimeout == null) {
            long millis = broker.policy().limits().connectTimeout().toMillis();
            connectTimeout = ctx.executor().schedule(
                    () -> broker.disconnector().close(ctx, null, "no CONNECT within " + millis + " ms"),
                    millis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            MqttMessage message = (MqttMessage) msg;
            if (message.decoderResult().isFailure()) {
                refuseUndecodable(ctx, message.decoderResult().cause());
            } else if (message.fixedHeader().messageType() != MqttMessageType.CONNECT) {
                // MQTT-3.1.0-1: the first packet from the client must be CONNECT.
                broker.disconnector().violation(ctx, null,
                        "first packet is " + message.fixedHeader().messageType() + ", not CONNECT");
            } else {
                connect(ctx, (MqttConnectMessage) message);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void refuseUndecodable(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof MqttUnacceptableProtocolVersionException) {
            // MQTT-3.1.2-2: unsupported protocol level gets CONNACK 0x01, then the connection closes.
            refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    cause.getMessage());
        } else if (cause instanceof MqttIdentifierRejectedException) {
            refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    "client identifier rejected");
        } else {
            broker.disconnector().violation(ctx, null, "malformed CONNECT: " + cause.getMessage());
        }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        int level = connect.variableHeader().version();
        if (level == 5) {
            // MQTT 5.0 arrives in its own issue; until then a 5.0 client is told its version is unsupported.
            refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION,
                    "MQTT 5.0 is not enabled in this build");
            return;
        }
        boolean cleanSession = connect.variableHeader().isCleanSession();
        String clientId = connect.payload().clientIdentifier();
        if (clientId == null || clientId.isEmpty()) {
            if (!cleanSession) {
                // MQTT-3.1.3-8: an empty client id needs clean session 1.
                refuse(ctx, null, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        "empty client id with clean session 0");
                return;
            }
            clientId = "ternmq-" + UUID.randomUUID(); // MQTT-3.1.3-6
        }
        if (!broker.policy().clientIdAllowed(clientId)) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    "client id longer than limits.max-client-id-length");
            return;
        }
        if (connect.variableHeader().isWillFlag() && broker.policy().refusesWill()) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    "will messages are not supported");
            return;
        }
        ConnectRequest request = new ConnectRequest(clientId,
                connect.variableHeader().hasUserName() ? connect.payload().userName() : null,
                connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null,
                level, transport, ctx.channel().remoteAddress(), ctx.channel().attr(TlsIdentity.KEY).get());
        AuthResult auth = broker.authenticator().authenticate(request);
        if (auth == AuthResult.BAD_CREDENTIALS) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    "bad user name or password");
            return;
        }
        if (auth != AuthResult.ACCEPTED) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "not authorized");
            return;
        }
        accept(ctx, connect, clientId, level, cleanSession);
    }

    private void accept(ChannelHandlerContext ctx, MqttConnectMessage connect, String clientId, int level,
                        boolean cleanSession) {
        SessionRegistry registry = broker.registry();
        ClientConnection connection = new ClientConnection(ctx.channel(), transport, level, clientId,
                registry.ownerOf(clientId));
        int keepalive = broker.policy().clampKeepalive(connect.variableHeader().keepAliveTimeSeconds());
        // MQTT-3.1.2-24: close after one and a half keepalive periods without a packet from the client.
        ctx.pipeline().replace(this, MqttPipelineInstaller.KEEPALIVE,
                new IdleStateHandler(keepalive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        ctx.pipeline().addAfter(MqttPipelineInstaller.KEEPALIVE, Mqtt3Handler.NAME,
                new Mqtt3Handler(broker, connection));
        boolean queued = connection.owner().tryExecute(() -> {
            if (!ctx.channel().isActive()) {
                return; // gone before its session was bound; nothing to undo
            }
            SessionRegistry.Attached attached = registry.attach(clientId, cleanSession, connection);
            connection.session(attached.session());
            connection.write(MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                    .sessionPresent(attached.sessionPresent())
                    .build());
            attached.session().resume();
            connection.flush();
            broker.metrics().connectionsAccepted.increment();
            LOG.debug("client {} connected over {} from {} (MQTT level {}, clean session {}, keepalive {} s)",
                    clientId, transport, ctx.channel().remoteAddress(), level, cleanSession, keepalive);
        });
        if (!queued) {
            refuse(ctx, clientId, MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, "broker overloaded");
        }
    }

    private void refuse(ChannelHandlerContext ctx, String clientId, MqttConnectReturnCode code, String reason) {
        broker.metrics().connectionsRefused.increment();
        LOG.info("refusing CONNECT{} from {}: {} ({})", clientId == null ? "" : " of " + clientId,
                ctx.channel().remoteAddress(), reason, code);
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
        ctx.writeAndFlush(connAck).addListener(ChannelFutureListener.CLOSE);
    }
}
