package io.ternmq.core.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.ternmq.core.auth.CachedPermissions;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import io.ternmq.core.connection.ConnectionInfo;
import io.ternmq.core.connection.PeerAddress;
import io.ternmq.core.message.Delivery;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.session.Session;
import io.ternmq.core.session.SessionOwner;
import io.ternmq.core.session.SessionRegistry;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Netty channel that completed CONNECT, as the engine sees it. A TCP channel runs on its session's owner, so
 * its packets are acted on where they are read. A channel on another thread (a QUIC stream) hands them to the
 * owner, and then this also carries the channel's inbound flow control: work handed to the owner is counted,
 * and the channel stops reading while too much of it is pending, so a fast publisher slows down instead of
 * filling the owner's queue.
 */
final class ClientConnection implements Connection {

    /** Stop reading from the socket once this many packets wait for the session owner... */
    static final int PAUSE_READ_AT = 64;
    /** ...and read again once the owner has caught up to this many. */
    static final int RESUME_READ_AT = 16;

    private final Channel channel;
    private final String transport;
    private final int protocolLevel;
    private final String clientId;
    private final SessionOwner owner;
    private final SessionRegistry registry;
    private final ClientSettings settings;
    private final ConnectionInfo info;
    private final BrokerMetrics metrics;
    private final int brokerAliasMaximum;
    /**
     * On a data stream of a multi-stream QUIC connection, the control stream's connection (whose session this
     * stream's session belongs to; a data stream is not a connection of its own in the counts); null otherwise.
     */
    private final ClientConnection control;
    /** On a control stream, its open data streams; null until it has one (every TCP connection, always). */
    private volatile Set<ClientConnection> dataStreams;
    private final OutboundPublishes outbound;
    private final AtomicInteger pending = new AtomicInteger();

    /** Set and read on the owner thread only. */
    private Session session;
    /** The store is behind on this connection's PUBACKs ({@link PubAcks}): reading waits for it. */
    private volatile boolean acksBehind;
    /** When the client last sent anything, as System.nanoTime(): written once per read by the protocol handler. */
    private volatile long heardNanos = System.nanoTime();
    /** Where it may publish and subscribe, asked on the channel's event loop only. */
    private final CachedPermissions permissions;
    private final AtomicBoolean closeAsked = new AtomicBoolean();

    ClientConnection(Channel channel, String transport, int protocolLevel, String clientId, SessionOwner owner,
                     SessionRegistry registry, ClientSettings settings, int brokerAliasMaximum, ConnectionInfo info,
                     BrokerMetrics metrics) {
        this(channel, transport, protocolLevel, clientId, owner, registry, settings, brokerAliasMaximum, info, metrics,
                null);
    }

    private ClientConnection(Channel channel, String transport, int protocolLevel, String clientId, SessionOwner owner,
                             SessionRegistry registry, ClientSettings settings, int brokerAliasMaximum,
                             ConnectionInfo info, BrokerMetrics metrics, ClientConnection control) {
        this.channel = channel;
        this.brokerAliasMaximum = brokerAliasMaximum;
        this.control = control;
        this.transport = transport;
        this.protocolLevel = protocolLevel;
        this.clientId = clientId;
        this.owner = owner;
        this.registry = registry;
        this.settings = settings;
        this.info = info;
        this.permissions = new CachedPermissions(info.identity().permissions());
        this.metrics = metrics;
        this.outbound = protocolLevel == 5 ? new OutboundPublishes(settings, brokerAliasMaximum) : null;
    }

    /**
     * A data stream of this (control stream's) QUIC connection: the same client, version, settings and identity
     * on another channel, with a session of its own ({@link SessionRegistry#streamSession}).
     */
    ClientConnection dataStream(Channel stream) {
        ClientConnection data = new ClientConnection(stream, transport, protocolLevel, clientId, owner, registry,
                settings, brokerAliasMaximum, info, metrics, this);
        Set<ClientConnection> open = dataStreams;
        if (open == null) {
            dataStreams = open = ConcurrentHashMap.newKeySet(); // on the event loop, where every stream is set up
        }
        open.add(data);
        stream.closeFuture().addListener(f -> dataStreams.remove(data));
        return data;
    }

    /**
     * Whether what this connection's client sends still speaks for its session: it is bound to it and, on a data
     * stream, the control stream is still bound to the connection's session (a takeover ends both). On the owner.
     */
    boolean speaksForSession() {
        return session != null && session.connection() == this && (control == null || control.speaksForSession());
    }

    /** Its data streams, while they are open: what happens to the control stream's connection happens to them. */
    private void eachDataStream(Consumer<ClientConnection> action) {
        Set<ClientConnection> open = dataStreams;
        if (open != null) {
            open.forEach(action);
        }
    }

    /** The session it is bound to, or null before CONNECT completed and after the close. On the owner. */
    Session session() {
        return session;
    }

    ClientSettings settings() {
        return settings;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    SessionOwner owner() {
        return owner;
    }

    Channel channel() {
        return channel;
    }

    /** Bound to its session at CONNECT; from now until {@link #closed} it counts as open. On the owner. */
    void session(Session session) {
        this.session = session;
        if (control == null) {
            metrics.connectionOpen(transport, protocolLevel, 1);
        }
    }

    /**
     * Runs work for this connection's session on its owner. Returns false (and the caller closes the
     * connection) when the owner cannot take more work.
     */
    boolean submit(Consumer<Session> work) {
        if (owner.inOwner()) {
            // The channel lives on its session's loop (every TCP connection after CONNECT): nothing to queue.
            if (speaksForSession()) {
                try {
                    work.accept(session);
                } catch (RuntimeException e) {
                    SessionOwner.failed(e); // as a queued task's failure: logged, the connection stays
                }
            }
            return true;
        }
        if (pending.incrementAndGet() >= PAUSE_READ_AT) {
            channel.config().setAutoRead(false);
            resumeReadingIfCaughtUp(); // the owner may have drained to the resume mark in the meantime
        }
        boolean queued = owner.tryExecute(() -> {
            try {
                // After a takeover this connection's packets no longer speak for the session (they were read
                // before the broker closed it): acting on them would subscribe or unsubscribe for the new owner.
                if (speaksForSession()) {
                    work.accept(session);
                }
            } finally {
                if (pending.decrementAndGet() == RESUME_READ_AT) {
                    channel.eventLoop().execute(this::resumeReadingIfCaughtUp);
                }
            }
        });
        if (!queued) {
            pending.decrementAndGet();
        }
        return queued;
    }

    /** Runs on the event loop, where every pause is decided too, so a pause and a resume cannot cross. */
    private void resumeReadingIfCaughtUp() {
        if (pending.get() <= RESUME_READ_AT && !acksBehind && !channel.config().isAutoRead()
                && !Disconnector.closing(channel)) {
            channel.config().setAutoRead(true);
        }
    }

    /** On the owner: too many PUBACKs wait for the store (true), or it caught up (false). */
    void readingPaused(boolean pause) {
        acksBehind = pause;
        if (pause) {
            channel.config().setAutoRead(false);
        } else {
            channel.eventLoop().execute(this::resumeReadingIfCaughtUp);
        }
    }

    /** Runs lifecycle work for this connection on the owner whatever its load (writability, the end). */
    void submitAlways(Consumer<Session> work) {
        owner.executeAlways(() -> {
            if (speaksForSession()) {
                work.accept(session);
            }
        });
    }

    /** The channel closed: the registry detaches the session (or ends it), whatever the load. */
    void closed() {
        owner.executeAlways(() -> {
            if (session != null) {
                if (control == null) {
                    metrics.connectionOpen(transport, protocolLevel, -1);
                }
                registry.detached(session, this);
                session = null;
            }
        });
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public SocketAddress remoteAddress() {
        return PeerAddress.of(channel);
    }

    @Override
    public int protocolLevel() {
        return protocolLevel;
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void write(MqttMessage message) {
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public int receiveMaximum() {
        return settings.receiveMaximum();
    }

    @Override
    public boolean writePublish(Delivery delivery, int packetId, boolean dup) {
        if (outbound == null) {
            return Connection.super.writePublish(delivery, packetId, dup);
        }
        MqttPublishMessage packet = outbound.build(delivery, packetId, dup);
        if (packet == null) {
            return false;
        }
        write(packet);
        return true;
    }

    @Override
    public void stopReading() {
        Disconnector.markClosing(channel);
        channel.config().setAutoRead(false);
        eachDataStream(ClientConnection::stopReading);
    }

    /** The client sent something just now (once per read). */
    void heard(long nanos) {
        heardNanos = nanos;
    }

    @Override
    public long silentMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heardNanos);
    }

    /** The signed-in client's permissions with this connection's cache; on the channel's event loop only. */
    CachedPermissions permissions() {
        return permissions;
    }

    @Override
    public void close(CloseReason reason) {
        if (!closeAsked.compareAndSet(false, true)) {
            return; // taken over by its client id and by its device at once: one DISCONNECT
        }
        // A QUIC connection's data streams end with it, at once: none of them speaks for the session any more.
        eachDataStream(data -> {
            Disconnector.markClosing(data.channel);
            data.channel.close();
        });
        // Whatever was written before this point reaches the socket first, then the MQTT 5 DISCONNECT.
        switch (reason) {
            case SERVER_SHUTTING_DOWN -> {
                if (protocolLevel == 5) {
                    Disconnector.disconnect(channel, ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
                } else {
                    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }
            case SESSION_TAKEN_OVER -> Disconnector.disconnect(channel, ReasonCode.SESSION_TAKEN_OVER,
                    "another connection took the session over");
            case ADMINISTRATIVE_ACTION -> {
                Disconnector.markClosing(channel);
                if (protocolLevel == 5) {
                    Disconnector.disconnect(channel, ReasonCode.ADMINISTRATIVE_ACTION, "closed by an operator");
                } else {
                    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }
    }

    @Override
    public String toString() {
        return clientId + "@" + transport + ":" + PeerAddress.of(channel);
    }
}
