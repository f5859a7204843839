package io.ternmq.core.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.ternmq.core.auth.AuthResult;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.auth.ConnectRequest;
import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.core.auth.Identity;
import io.ternmq.core.codec.MqttDecodeException;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.connection.Attributes;
import io.ternmq.core.connection.ConnectionInfo;
import io.ternmq.core.connection.PeerAddress;
import io.ternmq.core.auth.TlsIdentity;
import io.ternmq.core.log.LogText;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.policy.Verdict;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.trace.MessageTrace;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of every CONNECT, shared by all connections: checks it against the protocol and the platform
 * rules, authenticates, and either refuses it (CONNACK with the reason, then the close) or accepts it: the
 * connection's {@link ConnectHandler} is replaced by the protocol handler of its version and the connection is
 * bound to its session on the session's owner. What differs by version is the {@link ConnectVersion}'s.
 */
final class ConnectAcceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectAcceptor.class);

    private final PlatformPolicy policy;
    private final Authenticator authenticator;
    private final Executor signInExecutor;
    private final Executor slowSignInExecutor;
    private final DevicePresence presence;
    private final SessionRegistry registry;
    private final ProtocolHandlers handlers;
    private final Disconnector disconnector;
    private final MessageTrace trace;
    private final BrokerMetrics metrics;

    ConnectAcceptor(PlatformPolicy policy, SignIn signIn, SessionRegistry registry,
                    ProtocolHandlers handlers, Disconnector disconnector, MessageTrace trace, BrokerMetrics metrics) {
        this.policy = policy;
        this.authenticator = signIn.authenticator();
        this.signInExecutor = signIn.executor();
        this.slowSignInExecutor = signIn.slowExecutor();
        this.presence = signIn.presence();
        this.registry = registry;
        this.handlers = handlers;
        this.disconnector = disconnector;
        this.trace = trace;
        this.metrics = metrics;
    }

    /** The event loop that owns this client id's session, or null when owners are not event loops (tests). */
    EventLoop loopOf(String clientId) {
        return registry.ownerOf(clientId).eventLoop();
    }

    /** The client id a session is kept under, from the one the CONNECT carries (the Link SDK's adds parameters). */
    String sessionClientId(String presented) {
        return authenticator.sessionClientId(presented);
    }

    /** A connection moved to its session's event loop. */
    void moved() {
        metrics.connectionsMoved.increment();
    }

    /** No CONNECT arrived within {@code limits.connect-timeout}. */
    void timedOut(ChannelHandlerContext ctx, long millis) {
        disconnector.close(ctx, null, "no CONNECT within " + millis + " ms");
    }

    /** MQTT-3.1.0-1: the first packet from the client must be CONNECT. */
    void firstPacketNotConnect(ChannelHandlerContext ctx, MqttMessageType type) {
        disconnector.violation(ctx, null, "first packet is " + type + ", not CONNECT");
    }

    /** The first packet could not be decoded. */
    void undecodable(ChannelHandlerContext ctx, MqttDecodeException cause) {
        if (cause.reasonCode() == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION) {
            // MQTT-3.1.2-2: an unsupported protocol level gets CONNACK 0x01 (0x84 in 5.0 form), then the close.
            refuse(ctx, null, ConnectVersion.of(4), new Verdict(Verdict.Outcome.REFUSE,
                    ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, cause.getMessage()), cause.cause());
        } else if (cause.packetType() == MqttMessageType.CONNECT && cause.protocolLevel() == 5) {
            // 5.0 §4.13: a malformed CONNECT (or a protocol error in it) gets CONNACK with that reason code.
            ctx.channel().attr(Disconnector.PROTOCOL_LEVEL).set(5);
            refuse(ctx, null, ConnectVersion.of(5), new Verdict(Verdict.Outcome.REFUSE, cause.reasonCode(),
                    cause.getMessage()), cause.cause());
        } else {
            Disconnector.markClosing(ctx.channel());
            disconnector.malformed(ctx, null, cause); // 3.x: closed without a CONNACK
        }
    }

    /** A well-formed CONNECT, on the event loop that owns its client id's session when it could move there. */
    void connect(ChannelHandlerContext ctx, ConnectHandler prelude, MqttConnectMessage connect,
                 String assignedClientId, String transport) {
        ConnectVersion version = ConnectVersion.of(connect.variableHeader().version());
        ctx.channel().attr(Disconnector.PROTOCOL_LEVEL).set(version.level());
        boolean cleanStart = connect.variableHeader().isCleanSession();
        Verdict early = version.refuseEarly(ctx.channel(), connect);
        if (early != null) {
            refuse(ctx, null, version, early);
            return;
        }
        String presented = connect.payload().clientIdentifier();
        String clientId = authenticator.sessionClientId(presented);
        boolean assigned = clientId.isEmpty();
        if (assigned && !version.assignsClientId(cleanStart)) {
            refuse(ctx, null, version, new Verdict(Verdict.Outcome.REFUSE, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    version.level() == 3 ? "empty client id in MQTT 3.1" : "empty client id with clean session 0"));
            return;
        }
        List<UserProperty> userProperties = version.userProperties(connect);
        MqttConnectVariableHeader header = connect.variableHeader();
        PlatformPolicy.Will will = header.isWillFlag()
                ? new PlatformPolicy.Will(true, header.willQos(), header.isWillRetain()) : PlatformPolicy.Will.NONE;
        // The client's own id is judged, not one the broker assigns.
        Verdict verdict = policy.connect(clientId, will, userProperties);
        if (!verdict.accepted()) {
            refuse(ctx, assigned ? null : clientId, version, verdict);
            return;
        }
        if (assigned) {
            clientId = assignedClientId;
        }
        ConnectRequest request = new ConnectRequest(clientId, presented,
                connect.variableHeader().hasUserName() ? connect.payload().userName() : null,
                connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null,
                version.level(), transport, PeerAddress.of(ctx.channel()), Attributes.peek(ctx.channel(), TlsIdentity.KEY));
        SignedIn next = auth -> judged(ctx, prelude, connect, version, assigned, request, userProperties, auth);
        if (authenticator.inline()) {
            next.judged(authenticate(request));
            return;
        }
        // Off the event loop (a password hash can take milliseconds): packets behind the CONNECT wait.
        prelude.hold(ctx);
        ReferenceCountUtil.retain(connect);
        try {
            (authenticator.slow(request) ? slowSignInExecutor : signInExecutor).execute(() -> {
                // A client gone while it waited costs no hash.
                AuthResult auth = ctx.channel().isActive() ? authenticate(request)
                        : AuthResult.refused(AuthResult.Outcome.SERVER_BUSY, "closed before its sign-in");
                EventExecutor loop = ctx.executor();
                if (loop.inEventLoop()) {
                    next.judged(auth);
                    return;
                }
                try {
                    loop.execute(() -> next.judged(auth));
                } catch (RejectedExecutionException stopping) {
                    ReferenceCountUtil.release(connect);
                    ctx.channel().close(); // its event loop is shutting down
                }
            });
        } catch (RejectedExecutionException full) {
            metrics.signInsBusy.increment();
            next.judged(AuthResult.refused(AuthResult.Outcome.SERVER_BUSY, "too many sign-ins waiting"));
        }
    }

    @FunctionalInterface
    private interface SignedIn {
        void judged(AuthResult auth);
    }

    private AuthResult authenticate(ConnectRequest request) {
        try {
            return authenticator.authenticate(request);
        } catch (RuntimeException e) {
            LOG.warn("sign-in of {} failed in the authenticator", LogText.of(request.clientId()), e);
            return AuthResult.refused(AuthResult.Outcome.SERVER_BUSY, "the sign-in could not be judged");
        }
    }

    /** On the connection's event loop: the authenticator's verdict is carried out. */
    private void judged(ChannelHandlerContext ctx, ConnectHandler prelude, MqttConnectMessage connect,
                        ConnectVersion version, boolean assigned, ConnectRequest request,
                        List<UserProperty> userProperties, AuthResult auth) {
        boolean async = !authenticator.inline();
        List<Object> held = async ? prelude.stopHolding() : null;
        try {
            if (!ctx.channel().isActive()) {
                if (held != null) {
                    held.forEach(ReferenceCountUtil::release);
                }
                return;
            }
            if (!auth.accepted()) {
                if (auth.outcome() != AuthResult.Outcome.SERVER_BUSY) {
                    metrics.authenticationFailures.increment();
                }
                if (held != null) {
                    held.forEach(ReferenceCountUtil::release);
                }
                refuse(ctx, request.clientId(), version, refusal(auth));
                return;
            }
            accept(ctx, prelude, connect, version, assigned ? request.clientId() : null, request, userProperties,
                    auth.identity());
            if (async) {
                ConnectHandler.replay(ctx.channel(), held);
                if (!Disconnector.closing(ctx.channel())) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        } finally {
            if (async) {
                ReferenceCountUtil.release(connect);
            }
        }
    }

    private static Verdict refusal(AuthResult auth) {
        byte code = switch (auth.outcome()) {
            case BAD_CREDENTIALS -> ReasonCode.BAD_USER_NAME_OR_PASSWORD;
            case NOT_AUTHORIZED -> ReasonCode.NOT_AUTHORIZED;
            case BANNED -> ReasonCode.BANNED;
            case SERVER_BUSY -> ReasonCode.SERVER_BUSY;
            case ACCEPTED -> throw new IllegalArgumentException("not a refusal");
        };
        return new Verdict(Verdict.Outcome.REFUSE, code, auth.reason() != null ? auth.reason() : "not authorized");
    }

    private void accept(ChannelHandlerContext ctx, ChannelHandler prelude, MqttConnectMessage connect,
                        ConnectVersion version, String assignedId, ConnectRequest request,
                        List<UserProperty> userProperties, Identity identity) {
        String clientId = request.clientId();
        String transport = request.transport();
        if (registry.ownerOf(clientId).stopping()) {
            // The broker is shutting down: a session bound now would miss the drain and its 0x8B.
            refuse(ctx, clientId, version, new Verdict(Verdict.Outcome.REFUSE, ReasonCode.SERVER_UNAVAILABLE,
                    "server shutting down"));
            return;
        }
        boolean cleanStart = connect.variableHeader().isCleanSession();
        long requestedExpiry = version.requestedExpiry(connect, policy);
        long expiry = policy.sessionExpiry(requestedExpiry);
        int requestedKeepalive = connect.variableHeader().keepAliveTimeSeconds();
        int keepalive = policy.keepalive(requestedKeepalive);
        ClientConnection connection = new ClientConnection(ctx.channel(), transport, version.level(), clientId,
                registry.ownerOf(clientId), registry, version.settings(connect), policy.topicAliasMaximum(),
                new ConnectionInfo(request.username(), keepalive, System.currentTimeMillis(), request.tlsIdentity(),
                        identity),
                metrics);
        SessionPacketHandler handler = version.handler(handlers, connection, expiry,
                policy.silenceAllowedMillis(keepalive));
        ctx.pipeline().replace(prelude, version.handlerName(), handler);
        // On the owner already (a TCP connection moved there): at once, ahead of the packets that follow CONNECT.
        boolean queued = connection.owner().runOrExecute(() -> {
            if (!ctx.channel().isActive()) {
                return; // gone before its session was bound; nothing to undo
            }
            Session existing = registry.get(clientId);
            if (existing != null && !existing.mayBeTakenBy(identity)) {
                refuse(ctx, clientId, version, new Verdict(Verdict.Outcome.REFUSE,
                        ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "the client id is another identity's session"));
                return;
            }
            SessionRegistry.Attached attached = registry.attach(clientId, cleanStart, expiry, connection);
            connection.session(attached.session());
            connection.write(version.accepted(attached.sessionPresent(), policy, assignedId,
                    keepalive != requestedKeepalive ? keepalive : -1, expiry != requestedExpiry ? expiry : -1));
            attached.session().resume();
            connection.flush();
            metrics.connectionsAccepted.increment();
            DeviceId device = identity.device();
            if (device != null) {
                presence.signedIn(device, connection); // a connection it still had elsewhere is taken over
                ctx.channel().closeFuture().addListener(closed -> presence.gone(device, connection));
            }
            if (trace.traces(clientId)) {
                trace.connect(clientId, version.level(), transport, userProperties, identity);
            }
            LOG.debug("client {} connected over {} from {} (MQTT level {}, clean start {}, keepalive {} s)",
                    LogText.of(clientId), transport, PeerAddress.of(ctx.channel()), version.level(), cleanStart,
                    keepalive);
        });
        if (!queued) {
            refuse(ctx, clientId, version, new Verdict(Verdict.Outcome.REFUSE, ReasonCode.SERVER_UNAVAILABLE,
                    "broker overloaded"));
        }
    }

    private void refuse(ChannelHandlerContext ctx, String clientId, ConnectVersion version, Verdict verdict) {
        String code = version.level() == 5 ? ReasonCode.hex(verdict.reasonCode())
                : ConnectVersion.mqtt3ReturnCode(verdict.reasonCode()).name();
        refuse(ctx, clientId, version, verdict, "CONNECT refused " + code);
    }

    /** @param cause a short, bounded name for the log's repeat limit and the count */
    private void refuse(ChannelHandlerContext ctx, String clientId, ConnectVersion version, Verdict verdict,
                        String cause) {
        metrics.connectionsRefused.increment();
        if (verdict.rule() != null) {
            metrics.refused(verdict.rule());
        }
        Disconnector.markClosing(ctx.channel());
        disconnector.logRefusal(cause, "refusing CONNECT{} from {}: {} ({})",
                clientId == null ? "" : " of " + LogText.of(clientId), PeerAddress.of(ctx.channel()),
                LogText.of(verdict.reason()), cause.substring(cause.lastIndexOf(' ') + 1));
        ctx.writeAndFlush(version.refused(ctx.channel(), verdict)).addListener(ChannelFutureListener.CLOSE);
    }
}
