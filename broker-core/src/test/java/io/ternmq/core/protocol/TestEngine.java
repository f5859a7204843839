package io.ternmq.core.protocol;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.DeliveryQos;
import io.ternmq.config.LimitsConfig;
import io.ternmq.config.PlatformConfig;
import io.ternmq.config.RetainPolicy;
import io.ternmq.config.WillPolicy;
import io.ternmq.core.auth.AnonymousAuthenticator;
import io.ternmq.core.auth.Authenticator;
import io.ternmq.core.session.DevicePresence;
import io.ternmq.core.metrics.BrokerMetrics;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.routing.Router;
import io.ternmq.core.session.InMemorySessionStore;
import io.ternmq.core.session.SessionOwners;
import io.ternmq.core.session.SessionRegistry;
import io.ternmq.core.session.SessionStore;
import io.ternmq.core.session.Subscriber;
import io.ternmq.core.topic.TopicTrie;
import io.ternmq.core.trace.MessageTrace;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The engine without sockets, for EmbeddedChannel tests: wired from the same public constructors, in the same way,
 * as broker-server's Engine wires it, with the embedded defaults and a few settings changed, and session work run inline on the test thread
 * (no owner threads) so every test is deterministic. Start a real broker with broker-server's TestEngine instead.
 */
public final class TestEngine {

    private final PlatformPolicy policy;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final Router router;
    private final SessionRegistry registry;
    private final Disconnector disconnector;
    private final MessageTrace trace;
    private final MqttPipelineInstaller installer;

    private TestEngine(BrokerConfig config, SignIn signIn, int ownerThreads) {
        LimitsConfig limits = config.limits();
        policy = new PlatformPolicy(config.platform(), limits);
        SessionStore store = new InMemorySessionStore(limits.maxQueuedMessages(), limits.maxQueuedBytes());
        router = new Router(trie, policy, metrics, store);
        registry = new SessionRegistry(new SessionOwners(ownerThreads, SessionOwners.QUEUE_CAPACITY),
                store, trie, router, metrics, limits.maxInflight(),
                config.log().repeatInterval());
        disconnector = new Disconnector(metrics, config.log().repeatInterval());
        trace = new MessageTrace(config.log().trace(), config.log().traceRingSize());
        installer = new MqttPipelineInstaller(policy, signIn, registry, router, disconnector, trace, metrics,
                limits.maxConnections(), limits.connectTimeout());
    }

    /** The embedded defaults: the platform profile as shipped. */
    public static TestEngine start() {
        return defaults().build();
    }

    public static Builder defaults() {
        return new Builder();
    }

    /** This config, with this many owner threads (0: inline on the caller, the deterministic default). */
    public static TestEngine of(BrokerConfig config, int ownerThreads) {
        return new TestEngine(config, SignIn.inline(new AnonymousAuthenticator()), ownerThreads);
    }

    public PlatformPolicy policy() {
        return policy;
    }

    public BrokerMetrics metrics() {
        return metrics;
    }

    public SessionRegistry registry() {
        return registry;
    }

    public Router router() {
        return router;
    }

    public Disconnector disconnector() {
        return disconnector;
    }

    public MessageTrace trace() {
        return trace;
    }

    public MqttPipelineInstaller pipelineInstaller() {
        return installer;
    }

    /** Subscriptions in the trie, across all sessions. */
    public int subscriptionCount() {
        return trie.size();
    }

    public void shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        registry.drain(timeout, unit);
    }

    /** The embedded defaults with some settings changed. */
    public static final class Builder {

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
        private Executor signInExecutor = Runnable::run;
        private Executor slowSignInExecutor;
        private final DevicePresence presence = new DevicePresence();

        private Builder() {
        }

        public Builder maxPacketSize(int bytes) {
            this.maxPacketSize = bytes;
            return this;
        }

        public Builder maxPayload(int bytes) {
            this.maxPayload = bytes;
            return this;
        }

        public Builder maxTopicLength(int chars) {
            this.maxTopicLength = chars;
            return this;
        }

        public Builder maxClientIdLength(int chars) {
            this.maxClientIdLength = chars;
            return this;
        }

        public Builder maxQueuedMessages(int count) {
            this.maxQueuedMessages = count;
            return this;
        }

        public Builder maxInflight(int count) {
            this.maxInflight = count;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder willMessages(WillPolicy policy) {
            this.willMessages = policy;
            return this;
        }

        public Builder retainedMessages(RetainPolicy policy) {
            this.retainedMessages = policy;
            return this;
        }

        public Builder deliveryQos(DeliveryQos policy) {
            this.deliveryQos = policy;
            return this;
        }

        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        /** Where sign-ins that are not inline run (default: at once, on the caller). */
        public Builder signInExecutor(Executor executor) {
            this.signInExecutor = executor;
            return this;
        }

        /** Where slow sign-ins (password hashes) run; default: the sign-in executor. */
        public Builder slowSignInExecutor(Executor executor) {
            this.slowSignInExecutor = executor;
            return this;
        }

        public DevicePresence presence() {
            return presence;
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

        public TestEngine build() {
            return new TestEngine(config(), new SignIn(authenticator, signInExecutor,
                    slowSignInExecutor != null ? slowSignInExecutor : signInExecutor, presence), 0);
        }
    }
}
