package io.ternmq.core.protocol;

import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.connection.Attributes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.ternmq.core.connection.PeerAddress;
import io.ternmq.core.Broker;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.connection.TlsIdentity;
import io.ternmq.core.log.LogText;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.session.SessionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prelude of every connection: waits for CONNECT (closing a socket that sends none in time), checks it
 * against the protocol and the platform rules, authenticates, then swaps itself for the keepalive watchdog and
 * the protocol handler of the client's MQTT version, and binds the connection to its session on the session's
 * owner.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "connect";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final Broker broker;
    private final String transport;
    private ScheduledFuture<?> connectTimeout;
    /** The client id the broker assigned (an empty one in CONNECT), kept so a replayed CONNECT gets the same. */
    private String assignedClientId;
    /** Packets read while the channel moves to its session's event loop, replayed there in order; else null. */
    private List<Object> held;

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
        releaseHeld(); // the pipeline was torn down (the channel closed) while it moved
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
        if (held != null) {
            held.add(msg); // decoded in the same read as CONNECT: replayed behind it on the session's loop
            return;
        }
        try {
            MqttMessage message = (MqttMessage) msg;
            if (Disconnector.closing(ctx.channel())) {
                return; // after a refused CONNECT nothing else is processed (MQTT-3.1.4-5)
            }
            if (message.decoderResult().isFailure()) {
                refuseUndecodable(ctx, message);
            } else if (message.fixedHeader().messageType() != MqttMessageType.CONNECT) {
                // MQTT-3.1.0-1: the first packet from the client must be CONNECT.
                broker.disconnector().violation(ctx, null,
                        "first packet is " + message.fixedHeader().messageType() + ", not CONNECT");
            } else {
                MqttConnectMessage connect = (MqttConnectMessage) message;
                if (moveToSessionLoop(ctx, connect)) {
                    return; // held, and replayed on the loop that owns this client id's session
                }
                int level = connect.variableHeader().version();
                ctx.channel().attr(Disconnector.PROTOCOL_LEVEL).set(level);
                Refusal refusal = level == 5 ? checkMqtt5(ctx, connect) : null;
                if (refusal != null) {
                    refuse(ctx, null, 5, refusal);
                } else {
                    connect(ctx, connect, level);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A socket error before CONNECT (a reset, say) ends this connection only, without a warning per client.
        LOG.debug("closing connection from {} before CONNECT after an error", PeerAddress.of(ctx.channel()), cause);
        ctx.close();
    }

    /** The client id the session is found by: the client's, or one assigned for an empty one (MQTT-3.1.3-6). */
    private String sessionClientId(MqttConnectMessage connect) {
        String clientId = connect.payload().clientIdentifier();
        if (clientId != null && !clientId.isEmpty()) {
            return clientId;
        }
        if (assignedClientId == null) {
            assignedClientId = "ternmq-" + UUID.randomUUID();
        }
        return assignedClientId;
    }

    /**
     * Moves a TCP connection to the event loop that owns its client id's session, so its packets reach the
     * session and the session's writes reach the socket without a thread hop. Reading stops, the CONNECT and
     * whatever was decoded with it are held, the channel is deregistered and registered on the session's loop,
     * and there the held packets are replayed in order and reading resumes. Returns false when there is nothing
     * to move (already there, a QUIC stream, which stays on its connection's loop, or a test channel).
     */
    private boolean moveToSessionLoop(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        Channel channel = ctx.channel();
        EventLoop target = broker.registry().ownerOf(sessionClientId(connect)).eventLoop();
        if (target == null || target == channel.eventLoop() || !(channel instanceof SocketChannel)
                || target.parent() != channel.eventLoop().parent() || !channel.isActive()) {
            return false;
        }
        broker.metrics().connectionsMoved.increment();
        held = new ArrayList<>(2);
        held.add(ReferenceCountUtil.retain(connect));
        channel.config().setAutoRead(false);
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                dropHeld(channel, deregistered.cause());
                return;
            }
            target.register(channel).addListener(registered -> {
                if (!registered.isSuccess()) {
                    dropHeld(channel, registered.cause());
                    return;
                }
                List<Object> replay = held;
                held = null;
                ChannelHandlerContext decoder = channel.pipeline().context(MqttPipelineInstaller.DECODER);
                for (Object message : replay) {
                    decoder.fireChannelRead(message);
                }
                decoder.fireChannelReadComplete();
                if (!Disconnector.closing(channel)) {
                    channel.config().setAutoRead(true);
                }
            });
        });
        return true;
    }

    private void dropHeld(Channel channel, Throwable cause) {
        LOG.debug("closing connection from {}: could not move it to its session's event loop",
                PeerAddress.of(channel), cause);
        releaseHeld();
        channel.close();
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held = null;
        }
    }

    /** Why a CONNECT is refused: the 3.x return code, the 5.0 reason code, and words for the log and the client. */
    private record Refusal(MqttConnectReturnCode mqtt3, byte mqtt5, String reason) {
    }

    private void refuseUndecodable(ChannelHandlerContext ctx, MqttMessage message) {
        MqttDecodeException cause = (MqttDecodeException) message.decoderResult().cause();
        if (cause.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            // MQTT-3.1.2-2: an unsupported protocol level gets CONNACK 0x01 (0x84 in 5.0 form), then the close.
            refuse(ctx, null, 4, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                    ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, cause.getMessage()));
        } else if (cause.packetType() == MqttMessageType.CONNECT && cause.protocolLevel() == 5) {
            // 5.0 §4.13: a malformed CONNECT (or a protocol error in it) gets CONNACK with that reason code.
            ctx.channel().attr(Disconnector.PROTOCOL_LEVEL).set(5);
            refuse(ctx, null, 5, new Refusal(null, cause.reasonCode(), cause.getMessage()), cause.cause());
        } else {
            Disconnector.markClosing(ctx.channel());
            broker.disconnector().malformed(ctx, null, cause); // 3.x: closed without a CONNACK
        }
    }

    /** The MQTT 5 properties of CONNECT that can refuse it outright. */
    private Refusal checkMqtt5(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        MqttProperties props = connect.variableHeader().properties();
        Integer clientMaximum = Mqtt5Properties.integer(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
        if (clientMaximum != null && clientMaximum != 0) {
            ctx.channel().attr(Disconnector.CLIENT_MAXIMUM_PACKET_SIZE).set(unsigned(clientMaximum));
        }
        if (Mqtt5Properties.has(props, MqttPropertyType.AUTHENTICATION_METHOD)) {
            return new Refusal(null, ReasonCode.BAD_AUTHENTICATION_METHOD,
                    "enhanced authentication is not supported");
        }
        String broken = broker.policy().checkUserProperties(Mqtt5Properties.userProperties(props));
        if (broken != null) {
            return new Refusal(null, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, broken);
        }
        return null;
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect, int level) {
        boolean cleanStart = connect.variableHeader().isCleanSession();
        String clientId = connect.payload().clientIdentifier();
        boolean assigned = false;
        if (clientId == null || clientId.isEmpty()) {
            if (level == 3) {
                // MQTT 3.1 (3.1 section 3.1): the Client Identifier is 1 to 23 characters; it has no assigned ids.
                refuse(ctx, null, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id in MQTT 3.1"));
                return;
            }
            if (!cleanStart && level < 5) {
                // MQTT-3.1.3-8: an empty client id needs clean session 1 (5.0 assigns one either way).
                refuse(ctx, null, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id with clean session 0"));
                return;
            }
            clientId = sessionClientId(connect);
            assigned = true;
        }
        if (!broker.policy().clientIdAllowed(clientId)) {
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                    ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id longer than limits.max-client-id-length"));
            return;
        }
        if (connect.variableHeader().isWillFlag() && broker.policy().refusesWill()) {
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "will messages are not supported"));
            return;
        }
        ConnectRequest request = new ConnectRequest(clientId,
                connect.variableHeader().hasUserName() ? connect.payload().userName() : null,
                connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null,
                level, transport, PeerAddress.of(ctx.channel()), Attributes.peek(ctx.channel(), TlsIdentity.KEY));
        AuthResult auth = broker.authenticator().authenticate(request);
        if (auth == AuthResult.BAD_CREDENTIALS) {
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                    ReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password"));
            return;
        }
        if (auth != AuthResult.ACCEPTED) {
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                    ReasonCode.NOT_AUTHORIZED, "not authorized"));
            return;
        }
        accept(ctx, connect, clientId, assigned, level, cleanStart);
    }

    private void accept(ChannelHandlerContext ctx, MqttConnectMessage connect, String clientId, boolean assigned,
                        int level, boolean cleanStart) {
        SessionRegistry registry = broker.registry();
        MqttProperties props = connect.variableHeader().properties();
        ClientSettings settings = level == 5 ? clientSettings(props) : ClientSettings.MQTT3;
        // 3.x: clean session 0 never expires; 5.0: the Session Expiry Interval, absent meaning 0 (MQTT-3.1.2-11).
        // Either is capped by limits.max-session-expiry, so no offline session is kept for ever.
        long maxExpiry = broker.policy().limits().maxSessionExpiry();
        long requestedExpiry = level == 5
                ? unsigned(Mqtt5Properties.integer(props, MqttPropertyType.SESSION_EXPIRY_INTERVAL))
                : cleanStart ? 0 : maxExpiry;
        long expiry = Math.min(requestedExpiry, maxExpiry);
        long cappedExpiry = level == 5 && expiry != requestedExpiry ? expiry : -1;
        if (registry.ownerOf(clientId).stopping()) {
            // The broker is shutting down: a session bound now would miss the drain and its 0x8B.
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    ReasonCode.SERVER_UNAVAILABLE, "server shutting down"));
            return;
        }
        ClientConnection connection = new ClientConnection(ctx.channel(), transport, level, clientId,
                registry.ownerOf(clientId), broker.router(), settings, broker.policy().limits().topicAliasMaximum());
        int requestedKeepalive = connect.variableHeader().keepAliveTimeSeconds();
        int keepalive = broker.policy().clampKeepalive(requestedKeepalive);
        // MQTT-3.1.2-24: close after one and a half keepalive periods without a packet from the client.
        long keepaliveMillis = keepalive * 1500L;
        SessionPacketHandler handler = level == 5
                ? new Mqtt5Handler(broker, connection, expiry, keepaliveMillis)
                : new Mqtt3Handler(broker, connection, keepaliveMillis);
        ctx.pipeline().replace(this, level == 5 ? Mqtt5Handler.NAME : Mqtt3Handler.NAME, handler);
        List<UserProperty> userProperties = level == 5 ? Mqtt5Properties.userProperties(props) : List.of();
        String assignedId = assigned && level == 5 ? clientId : null;
        boolean sendServerKeepalive = level == 5 && keepalive != requestedKeepalive;
        // On the owner already (a TCP connection moved there): at once, ahead of the packets that follow CONNECT.
        boolean queued = connection.owner().runOrExecute(() -> {
            if (!ctx.channel().isActive()) {
                return; // gone before its session was bound; nothing to undo
            }
            SessionRegistry.Attached attached = registry.attach(clientId, cleanStart, expiry, connection);
            connection.session(attached.session());
            connection.write(MqttMessageBuilders.connAck()
                    .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                    .sessionPresent(attached.sessionPresent())
                    .properties(level == 5 ? connAckProperties(assignedId, sendServerKeepalive ? keepalive : -1,
                            cappedExpiry) : MqttProperties.NO_PROPERTIES)
                    .build());
            attached.session().resume();
            connection.flush();
            broker.metrics().connectionsAccepted.increment();
            broker.trace().connect(clientId, level, transport, userProperties);
            LOG.debug("client {} connected over {} from {} (MQTT level {}, clean start {}, keepalive {} s)",
                    clientId, transport, PeerAddress.of(ctx.channel()), level, cleanStart, keepalive);
        });
        if (!queued) {
            refuse(ctx, clientId, level, new Refusal(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                    ReasonCode.SERVER_UNAVAILABLE, "broker overloaded"));
        }
    }

    private static ClientSettings clientSettings(MqttProperties props) {
        Integer receiveMaximum = Mqtt5Properties.integer(props, MqttPropertyType.RECEIVE_MAXIMUM);
        Integer maximumPacketSize = Mqtt5Properties.integer(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
        Integer topicAliasMaximum = Mqtt5Properties.integer(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM);
        Integer problemInformation = Mqtt5Properties.integer(props, MqttPropertyType.REQUEST_PROBLEM_INFORMATION);
        return new ClientSettings(receiveMaximum == null ? 65535 : receiveMaximum,
                maximumPacketSize == null ? 0 : unsigned(maximumPacketSize),
                topicAliasMaximum == null ? 0 : topicAliasMaximum,
                problemInformation == null || problemInformation != 0);
    }

    /** The CONNACK properties PLATFORM.md 3 promises every MQTT 5 client. */
    private MqttProperties connAckProperties(String assignedClientId, int serverKeepalive, long cappedExpiry) {
        MqttProperties p = new MqttProperties();
        if (cappedExpiry >= 0) {
            // MQTT 5 3.2.2.3.2: the server's Session Expiry Interval replaces the client's.
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    (int) cappedExpiry));
        }
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_QOS.value(), PlatformPolicy.MAX_QOS));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.RETAIN_AVAILABLE.value(),
                broker.policy().refusesRetain() ? 0 : 1));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE.value(), 1));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE.value(), 1));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE.value(), 0));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(),
                broker.policy().limits().topicAliasMaximum()));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(),
                broker.policy().limits().receiveMaximum()));
        p.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(),
                broker.policy().limits().maxPacketSize()));
        if (serverKeepalive >= 0) {
            p.add(new MqttProperties.IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), serverKeepalive));
        }
        if (assignedClientId != null) {
            p.add(new MqttProperties.StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(),
                    assignedClientId));
        }
        return p;
    }

    static long unsigned(Integer value) {
        return value == null ? 0 : Integer.toUnsignedLong(value);
    }

    private void refuse(ChannelHandlerContext ctx, String clientId, int level, Refusal refusal) {
        boolean v5 = level == 5;
        refuse(ctx, clientId, level, refusal, "CONNECT refused " + (v5 ? ReasonCode.hex(refusal.mqtt5())
                : refusal.mqtt3().name()));
    }

    /** @param cause a short, bounded name for the log's repeat limit and the count */
    private void refuse(ChannelHandlerContext ctx, String clientId, int level, Refusal refusal, String cause) {
        broker.metrics().connectionsRefused.increment();
        Disconnector.markClosing(ctx.channel());
        Long maxPacket = Attributes.peek(ctx.channel(), Disconnector.CLIENT_MAXIMUM_PACKET_SIZE);
        boolean v5 = level == 5;
        broker.disconnector().logRefusal(cause, "refusing CONNECT{} from {}: {} ({})",
                clientId == null ? "" : " of " + LogText.of(clientId), PeerAddress.of(ctx.channel()),
                LogText.of(refusal.reason()), v5 ? ReasonCode.hex(refusal.mqtt5()) : refusal.mqtt3());
        MqttConnAckMessage connAck = v5
                ? MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.valueOf(refusal.mqtt5()))
                        .properties(Mqtt5Properties.reasonString(refusal.reason(), true,
                                maxPacket == null ? 0 : maxPacket, 2))
                        .sessionPresent(false).build()
                : MqttMessageBuilders.connAck().returnCode(refusal.mqtt3()).sessionPresent(false).build();
        ctx.writeAndFlush(connAck).addListener(ChannelFutureListener.CLOSE);
    }
}
