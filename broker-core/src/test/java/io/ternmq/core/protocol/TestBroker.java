package io.ternmq.core.protocol;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.DeliveryQos;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.PlatformConfig;
import io.ternmq.config.RetainPolicy;
import io.ternmq.config.WillPolicy;
import io.ternmq.core.Broker;
import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.session.InMemorySessionStore;
import java.time.Duration;

/**
 * Builds a {@link Broker} for EmbeddedChannel tests: the embedded defaults with a few settings changed, and
 * session work run inline on the test thread (sessionThreads 0) so every test is deterministic.
 */
public final class TestBroker {

    private final BrokerConfig defaults = BrokerConfig.defaults();
    private final LimitsConfig l = defaults.limits();
    private final PlatformConfig p = defaults.platform();

    private int maxPacketSize = l.maxPacketSize();
    private int maxPayload = l.maxPayload();
    private int maxTopicLength = l.maxTopicLength();
    private int maxClientIdLength = l.maxClientIdLength();
    private int maxQueuedMessages = l.maxQueuedMessages();
    private int maxInflight = l.maxInflight();
    private Duration connectTimeout = l.connectTimeout();
    private WillPolicy willMessages = p.willMessages();
    private RetainPolicy retainedMessages = p.retainedMessages();
    private DeliveryQos deliveryQos = p.deliveryQos();
    private Authenticator authenticator = new AnonymousAuthenticator();

    private TestBroker() {
    }

    /** The embedded defaults: the platform profile as shipped. */
    public static TestBroker defaults() {
        return new TestBroker();
    }

    public static Broker start() {
        return defaults().build();
    }

    public TestBroker maxPacketSize(int bytes) {
        this.maxPacketSize = bytes;
        return this;
    }

    public TestBroker maxPayload(int bytes) {
        this.maxPayload = bytes;
        return this;
    }

    public TestBroker maxTopicLength(int chars) {
        this.maxTopicLength = chars;
        return this;
    }

    public TestBroker maxClientIdLength(int chars) {
        this.maxClientIdLength = chars;
        return this;
    }

    public TestBroker maxQueuedMessages(int count) {
        this.maxQueuedMessages = count;
        return this;
    }

    public TestBroker maxInflight(int count) {
        this.maxInflight = count;
        return this;
    }

    public TestBroker connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    public TestBroker willMessages(WillPolicy policy) {
        this.willMessages = policy;
        return this;
    }

    public TestBroker retainedMessages(RetainPolicy policy) {
        this.retainedMessages = policy;
        return this;
    }

    public TestBroker deliveryQos(DeliveryQos policy) {
        this.deliveryQos = policy;
        return this;
    }

    public TestBroker authenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
        return this;
    }

    public BrokerConfig config() {
        LimitsConfig limits = new LimitsConfig(l.maxConnections(), maxPacketSize, maxPayload, maxTopicLength,
                maxClientIdLength, maxQueuedMessages, maxInflight, connectTimeout, l.receiveMaximum(),
                l.topicAliasMaximum(), l.maxSubscriptions(), l.maxSessionExpiry());
        PlatformConfig platform = new PlatformConfig(willMessages, retainedMessages, deliveryQos,
                p.keepaliveMin(), p.keepaliveMax(), p.maxUserProperties(), p.maxUserPropertyLength(),
                p.maxResponseTopicLength(), p.maxCorrelationData());
        return new BrokerConfig(defaults.listeners(), defaults.dataDir(), defaults.allowAnonymous(), limits,
                platform, defaults.log());
    }

    /** The store gets the same queue bound as the config, as broker-server wires it. */
    public Broker build() {
        return new Broker(config(), authenticator, new InMemorySessionStore(maxQueuedMessages), 0);
    }
}
