package io.ternmq.transport.tcp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.ternmq.core.auth.TlsIdentity;
import io.ternmq.tls.Pki;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsHandshakeHandlerTest {

    @Test
    void connectionsBeyondThePendingBoundAreClosedAndRoomReturnsWhenAHandshakeEnds() {
        PendingHandshakes pending = new PendingHandshakes(1);
        EmbeddedChannel first = new EmbeddedChannel(new TlsHandshakeHandler(pending));
        assertEquals(1, pending.pending());

        EmbeddedChannel second = new EmbeddedChannel(new TlsHandshakeHandler(pending));
        assertFalse(second.isOpen(), "a handshake beyond the bound must be closed at once");
        assertEquals(1, pending.refused());
        assertEquals(1, pending.pending(), "a refused connection does not count, nor uncount on close");

        first.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(0, pending.pending());
        assertNull(first.pipeline().get(TlsHandshakeHandler.NAME), "the handler leaves once the handshake is over");
        assertTrue(first.isOpen());

        EmbeddedChannel third = new EmbeddedChannel(new TlsHandshakeHandler(pending));
        assertTrue(third.isOpen());
        third.close();
        assertEquals(0, pending.pending(), "a connection closed mid-handshake gives its place back");
        first.finishAndReleaseAll();
    }

    @Test
    void aFailedHandshakeClosesTheConnectionAndGivesItsPlaceBack() {
        PendingHandshakes pending = new PendingHandshakes(10);
        EmbeddedChannel channel = new EmbeddedChannel(new TlsHandshakeHandler(pending));
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLException("bad cert")));
        assertFalse(channel.isOpen());
        assertEquals(0, pending.pending());
    }

    @Test
    void errorsDuringTheHandshakeAreHandledNotPassedOn() {
        List<Throwable> seenLater = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new TlsHandshakeHandler(new PendingHandshakes(10)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        seenLater.add(cause);
                    }
                });
        channel.pipeline().fireExceptionCaught(new SSLException("not a TLS record"));
        assertFalse(channel.isOpen());
        assertTrue(seenLater.isEmpty(), "the MQTT handlers must not see handshake noise");
    }

    /**
     * A real mutual-TLS handshake between two in-memory channels: the verified certificate's identity is on the
     * server channel before the first decrypted byte reaches the handler after it (where CONNECT is read).
     */
    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void verifiedClientCertificateIsOnTheChannelBeforeTheFirstDecryptedByte(SslProvider provider) throws Exception {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            return; // the OpenSSL engine is shipped for Linux x86-64 only
        }
        Pki.Issued server = Pki.selfSigned(Pki.ec(), "CN=broker");
        Pki.Issued ca = Pki.authority("CN=device CA,O=acme");
        Pki.Issued device = Pki.issue(ca, "CN=device-7,O=acme", new GeneralName(GeneralName.dNSName, "d7.example"),
                new GeneralName(GeneralName.iPAddress, "10.1.2.3"),
                new GeneralName(GeneralName.rfc822Name, "ops@acme.example"));
        SslContext serverContext = SslContextBuilder.forServer(server.keys().getPrivate(), server.certificate())
                .sslProvider(provider).clientAuth(ClientAuth.REQUIRE).trustManager(ca.certificate()).build();
        SslContext clientContext = SslContextBuilder.forClient().sslProvider(provider)
                .keyManager(device.keys().getPrivate(), device.certificate())
                .trustManager(server.certificate()).build();

        List<TlsIdentity> identityAtFirstRead = new ArrayList<>();
        StringBuilder received = new StringBuilder();
        EmbeddedChannel serverChannel = new EmbeddedChannel();
        serverChannel.pipeline().addLast(TlsFront.SSL, serverContext.newHandler(serverChannel.alloc()));
        serverChannel.pipeline().addLast(TlsFront.HANDSHAKE, new TlsHandshakeHandler(new PendingHandshakes(10)));
        serverChannel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (received.length() == 0) {
                    identityAtFirstRead.add(ctx.channel().attr(TlsIdentity.KEY).get());
                }
                received.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ReferenceCountUtil.release(msg);
            }
        });
        // The client checks the broker's name as a device would: its certificate is for 127.0.0.1.
        EmbeddedChannel clientChannel = new EmbeddedChannel(
                clientContext.newHandler(serverChannel.alloc(), "127.0.0.1", 8883));
        SslHandler clientSsl = clientChannel.pipeline().get(SslHandler.class);

        for (int i = 0; i < 20 && !clientSsl.handshakeFuture().isDone(); i++) {
            pump(clientChannel, serverChannel);
        }
        assertTrue(clientSsl.handshakeFuture().isSuccess(), String.valueOf(clientSsl.handshakeFuture().cause()));
        clientChannel.writeAndFlush(Unpooled.copiedBuffer("CONNECT", StandardCharsets.US_ASCII));
        for (int i = 0; i < 5 && received.length() < 7; i++) {
            pump(clientChannel, serverChannel);
        }

        assertEquals("CONNECT", received.toString());
        TlsIdentity identity = identityAtFirstRead.get(0);
        assertNotNull(identity, "the identity must be set before CONNECT is read");
        assertEquals("CN=device-7,O=acme", identity.subject());
        assertEquals("CN=device CA,O=acme", identity.issuer());
        assertEquals(List.of("DNS:d7.example", "IP:10.1.2.3", "email:ops@acme.example"),
                identity.alternativeNames());
        assertEquals(device.certificate().getSerialNumber().toString(16), identity.serialNumber());
        assertNull(serverChannel.pipeline().get(TlsFront.HANDSHAKE));
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
    }

    /** Moves every pending outbound byte of each channel into the other. */
    private static void pump(EmbeddedChannel client, EmbeddedChannel server) {
        Object out;
        while ((out = client.readOutbound()) != null) {
            server.writeInbound(out);
        }
        while ((out = server.readOutbound()) != null) {
            client.writeInbound(out);
        }
        client.runPendingTasks();
        server.runPendingTasks();
    }
}
