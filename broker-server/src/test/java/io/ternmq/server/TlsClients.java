package io.ternmq.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.ternmq.tls.ServerCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** TLS clients of the broker: JDK SSLSocket, Paho over ssl://, and Netty's OpenSSL engine for TLS 1.1. */
final class TlsClients {

    /** What one handshake negotiated. */
    record Session(String protocol, String cipherSuite, X509Certificate serverCertificate) {
        String fingerprint() {
            return ServerCredentials.fingerprint(serverCertificate);
        }
    }

    private TlsClients() {
    }

    /** Trusts exactly the certificates in a PEM file (the broker's generated one, or a CA). */
    static SSLContext trusting(Path pem) throws Exception {
        return context(pem, null);
    }

    /** Trusts pem and presents clientCertificate when the broker asks for one. */
    static SSLContext trusting(Path pem, TestPki.Issued clientCertificate) throws Exception {
        return context(pem, clientCertificate);
    }

    private static SSLContext context(Path pem, TestPki.Issued clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("trusted-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManager[] keyManagers = null;
        if (clientCertificate != null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(clientCertificate.keyStore(), new char[0]);
            keyManagers = new KeyManager[] {new AlwaysPresent((X509KeyManager) kmf.getKeyManagers()[0])};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * Presents its one certificate whatever CAs the broker names. The JDK's own key manager would send nothing
     * when its certificate's issuer is not among them, and a test of "another CA's certificate is refused" would
     * then only test "no certificate is refused".
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        AlwaysPresent(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Accepts whatever certificate the broker serves: only for reading which one it is. */
    static SSLContext trustingAnything() throws Exception {
        TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {any}, null);
        return context;
    }

    /** An SSLSocket to the broker, handshake done; protocols limits what the client offers (none: its default). */
    static SSLSocket socket(int port, SSLContext context, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        if (protocols.length > 0) {
            socket.setEnabledProtocols(protocols);
        }
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    static Session handshake(int port, SSLContext context, String... protocols) throws IOException {
        try (SSLSocket socket = socket(port, context, protocols)) {
            return new Session(socket.getSession().getProtocol(), socket.getSession().getCipherSuite(),
                    (X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    /** The fingerprint of the certificate the broker serves a new connection right now. */
    static String fingerprintServed(int port) throws Exception {
        return handshake(port, trustingAnything()).fingerprint();
    }

    /** A Paho mqttv3 client connected over ssl:// with this trust (Paho checks the host name too). */
    static PahoClients.Client paho3(String uri, String clientId, SSLContext context) throws MqttException {
        MqttConnectOptions options = PahoClients.options(MqttConnectOptions.MQTT_VERSION_3_1_1, true);
        options.setSocketFactory(context.getSocketFactory());
        PahoClients.Client client = new PahoClients.Client(new MqttClient(uri, clientId, new MemoryPersistence()));
        client.paho.setTimeToWait(10_000);
        client.paho.connect(options);
        return client;
    }

    /**
     * A TLS handshake offering only {@code protocol}, on Netty's OpenSSL engine (the JDK's own client refuses TLS 1.1
     * and 1.0 before it sends anything), followed by an MQTT 3.1.1 CONNECT. Returns the negotiated protocol once
     * the CONNACK arrived; throws SSLException when the broker refuses the handshake.
     */
    static String opensslConnect(int port, Path trustPem, String protocol) throws Exception {
        SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .protocols(protocol)
                .ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_AES_128_GCM_SHA256"))
                .trustManager(trustPem.toFile())
                .build();
        BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc(), "127.0.0.1", port));
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    byte[] bytes = new byte[msg.readableBytes()];
                                    msg.readBytes(bytes);
                                    received.add(bytes);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            try {
                SslHandler ssl = channel.pipeline().get(SslHandler.class);
                Future<Channel> handshake = ssl.handshakeFuture();
                if (!handshake.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("no TLS handshake result within 10 s");
                }
                if (!handshake.isSuccess()) {
                    throw handshake.cause() instanceof SSLException e ? e : new SSLException(handshake.cause());
                }
                String negotiated = ssl.engine().getSession().getProtocol();
                byte[] connect = {0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x06,
                    'l', 'e', 'g', 'a', 'c', 'y'};
                channel.writeAndFlush(Unpooled.wrappedBuffer(connect)).sync();
                ByteArrayOutputStream connAck = new ByteArrayOutputStream();
                while (connAck.size() < 4) {
                    byte[] part = received.poll(10, TimeUnit.SECONDS);
                    if (part == null) {
                        throw new AssertionError("no CONNACK over " + negotiated);
                    }
                    connAck.writeBytes(part);
                }
                byte[] bytes = connAck.toByteArray();
                if (bytes[0] != 0x20 || bytes[3] != 0x00) {
                    throw new AssertionError("CONNECT over " + negotiated + " was not accepted");
                }
                return negotiated;
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
