package io.ternmq.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.BrokerConfig;
import io.ternmq.config.ConfigLoader;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.message.MessageProperties;
import io.ternmq.core.message.UserProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each rule of PLATFORM.md section 3, and each setting of the {@code platform} section that relaxes one, asked of
 * the policy directly: the verdict and its reason code. The handlers' part (how a verdict reaches a 3.x or a 5.0
 * client) is tested with them.
 */
class PlatformPolicyTest {

    /** The policy of the embedded defaults with these settings changed, read as the config module reads them. */
    private static PlatformPolicy policy(Map<String, String> settings) {
        BrokerConfig config = ConfigLoader.load(null, Map.of(), settings);
        return new PlatformPolicy(config.platform(), config.limits());
    }

    private static final PlatformPolicy DEFAULTS = policy(Map.of());
    private static final PlatformPolicy.Will WILL = new PlatformPolicy.Will(true, 0, false);

    private static Verdict publish(PlatformPolicy policy, String topic, int qos, boolean retain, int payload,
                                   MessageProperties properties) {
        return policy.publish(topic, qos, retain, payload, properties);
    }

    private static MessageProperties userProperties(List<UserProperty> properties) {
        return new MessageProperties(null, null, null, null, properties);
    }

    private static void assertVerdict(Verdict.Outcome outcome, byte reasonCode, Verdict verdict) {
        assertEquals(outcome, verdict.outcome(), String.valueOf(verdict));
        assertEquals(reasonCode, verdict.reasonCode(), String.valueOf(verdict));
    }

    @Nested
    class Qos {

        @Test
        void aQos2PublishIsRefusedQosNotSupported() {
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.QOS_NOT_SUPPORTED,
                    publish(DEFAULTS, "a/b", 2, false, 1, MessageProperties.NONE));
        }

        @Test
        void qos0And1PublishesAreAccepted() {
            assertTrue(publish(DEFAULTS, "a/b", 0, false, 1, MessageProperties.NONE).accepted());
            assertTrue(publish(DEFAULTS, "a/b", 1, false, 1, MessageProperties.NONE).accepted());
        }

        @Test
        void everyAcceptedFilterIsGrantedQos1WhateverWasAsked() {
            for (int requested = 0; requested <= 2; requested++) {
                assertEquals(1, DEFAULTS.subscription("a/#", requested).grantedQos(), "requested " + requested);
            }
        }

        @Test
        void thePublishersQosIsDeliveredWhateverTheSubscriptionsQos() {
            assertEquals(0, DEFAULTS.deliveredQos(0, 1));
            assertEquals(1, DEFAULTS.deliveredQos(1, 0));
        }

        @Test
        void deliveryQosStandardGrantsAtMostWhatWasAskedAndDeliversTheLower() {
            PlatformPolicy standard = policy(Map.of("platform.delivery-qos", "standard"));

            assertEquals(0, standard.subscription("a/#", 0).grantedQos());
            assertEquals(1, standard.subscription("a/#", 2).grantedQos(), "QoS 2 is never granted");
            assertEquals(0, standard.deliveredQos(1, 0));
            assertEquals(0, standard.deliveredQos(0, 1));
        }
    }

    @Nested
    class RetainAndWill {

        @Test
        void retainIsRefusedAndCONNACKSaysItIsNotAvailable() {
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.RETAIN_NOT_SUPPORTED,
                    publish(DEFAULTS, "a/b", 1, true, 1, MessageProperties.NONE));
            assertFalse(DEFAULTS.retainAvailable());
        }

        @Test
        void retainedMessagesIgnoreAcceptsThePublish() {
            PlatformPolicy ignore = policy(Map.of("platform.retained-messages", "ignore"));

            assertTrue(publish(ignore, "a/b", 1, true, 1, MessageProperties.NONE).accepted());
            assertTrue(ignore.retainAvailable());
        }

        @Test
        void aWillIsRefusedWithItsReason() {
            Verdict verdict = DEFAULTS.connect("c1", WILL, List.of());

            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, verdict);
            assertEquals("will messages are not supported", verdict.reason());
        }

        @Test
        void willMessagesIgnoreAcceptsTheConnect() {
            assertTrue(policy(Map.of("platform.will-messages", "ignore")).connect("c1", WILL, List.of()).accepted());
        }

        @Test
        void anIgnoredWillMustStillBeOneTheBrokerCouldHonour() {
            PlatformPolicy ignore = policy(Map.of("platform.will-messages", "ignore"));

            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.QOS_NOT_SUPPORTED,
                    ignore.connect("c1", new PlatformPolicy.Will(true, 2, false), List.of())); // 5.0 MQTT-3.2.2-12
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.RETAIN_NOT_SUPPORTED,
                    ignore.connect("c1", new PlatformPolicy.Will(true, 1, true), List.of())); // 5.0 MQTT-3.2.2-13
            assertTrue(policy(Map.of("platform.will-messages", "ignore", "platform.retained-messages", "ignore"))
                    .connect("c1", new PlatformPolicy.Will(true, 1, true), List.of()).accepted());
        }
    }

    @Nested
    class UserProperties {

        private List<UserProperty> many(int count) {
            List<UserProperty> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                list.add(new UserProperty("k" + i, "v"));
            }
            return list;
        }

        @Test
        void twentyAreAllowedAndTwentyOneAreNot() {
            assertTrue(publish(DEFAULTS, "t", 1, false, 1, userProperties(many(20))).accepted());
            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    publish(DEFAULTS, "t", 1, false, 1, userProperties(many(21))));
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    DEFAULTS.connect("c1", PlatformPolicy.Will.NONE, many(21)));
        }

        @Test
        void aKeyMustNotStartWithAnUnderscore() {
            Verdict verdict = publish(DEFAULTS, "t", 1, false, 1, userProperties(List.of(new UserProperty("_x", "v"))));

            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, verdict);
            assertTrue(verdict.reason().contains("starts with '_'"), verdict.reason());
        }

        @Test
        void keyPlusValueMayBe128CharactersAndNotMore() {
            String key = "k".repeat(64);
            assertTrue(publish(DEFAULTS, "t", 1, false, 1,
                    userProperties(List.of(new UserProperty(key, "v".repeat(64))))).accepted());
            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    publish(DEFAULTS, "t", 1, false, 1, userProperties(List.of(new UserProperty(key, "v".repeat(65))))));
        }

        @Test
        void charactersAreCountedNotBytes() {
            String twoBytesEach = "é".repeat(64);
            assertTrue(publish(DEFAULTS, "t", 1, false, 1,
                    userProperties(List.of(new UserProperty(twoBytesEach, twoBytesEach)))).accepted());
        }

        @Test
        void theLimitsAreSettings() {
            PlatformPolicy wider = policy(Map.of("platform.max-user-properties", "25",
                    "platform.max-user-property-length", "300"));

            assertTrue(publish(wider, "t", 1, false, 1, userProperties(many(25))).accepted());
            assertTrue(publish(wider, "t", 1, false, 1,
                    userProperties(List.of(new UserProperty("k", "v".repeat(299))))).accepted());
        }
    }

    @Nested
    class RequestResponse {

        private MessageProperties response(String topic, byte[] correlation) {
            return new MessageProperties(null, null, topic, correlation, List.of());
        }

        @Test
        void aResponseTopicOf128CharactersIsAllowedAnd129IsNot() {
            assertTrue(publish(DEFAULTS, "t", 1, false, 1, response("r".repeat(128), null)).accepted());
            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    publish(DEFAULTS, "t", 1, false, 1, response("r".repeat(129), null)));
        }

        @Test
        void aResponseTopicMustBeATopicName() {
            Verdict verdict = publish(DEFAULTS, "t", 1, false, 1, response("reply/+", null));

            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, verdict);
            assertTrue(verdict.reason().contains("not a valid topic name"), verdict.reason());
        }

        @Test
        void correlationDataOf128BytesIsAllowedAnd129AreNot() {
            assertTrue(publish(DEFAULTS, "t", 1, false, 1, response(null, new byte[128])).accepted());
            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                    publish(DEFAULTS, "t", 1, false, 1, response(null, new byte[129])));
        }

        @Test
        void theLimitsAreSettings() {
            PlatformPolicy wider = policy(Map.of("platform.max-response-topic-length", "200",
                    "platform.max-correlation-data", "200"));

            assertTrue(publish(wider, "t", 1, false, 1, response("r".repeat(200), new byte[200])).accepted());
        }
    }

    @Nested
    class Keepalive {

        @Test
        void aKeepaliveOutside30To1200IsClampedAnd0BecomesTheMaximum() {
            assertEquals(30, DEFAULTS.keepalive(5));
            assertEquals(60, DEFAULTS.keepalive(60));
            assertEquals(1200, DEFAULTS.keepalive(5000));
            assertEquals(1200, DEFAULTS.keepalive(0));
        }

        @Test
        void theRangeIsASetting() {
            PlatformPolicy policy = policy(Map.of("platform.keepalive-min", "10", "platform.keepalive-max", "100"));

            assertEquals(10, policy.keepalive(5));
            assertEquals(100, policy.keepalive(0));
        }
    }

    @Nested
    class Sizes {

        @Test
        void aPayloadOver256KiBIsNotDeliveredWithQuotaExceeded() {
            assertTrue(publish(DEFAULTS, "t", 1, false, 256 * 1024, MessageProperties.NONE).accepted());
            Verdict verdict = publish(DEFAULTS, "t", 1, false, 256 * 1024 + 1, MessageProperties.NONE);

            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.QUOTA_EXCEEDED, verdict);
            assertEquals("payload larger than 262144 bytes", verdict.reason());
        }

        @Test
        void theBrokersMaximumPacketSizeLeavesRoomForAFullPayload() {
            assertEquals(260 * 1024, DEFAULTS.maxPacketSize());
        }

        @Test
        void aTopicOver128CharactersIsNotDeliveredWithTopicNameInvalid() {
            assertTrue(publish(DEFAULTS, "t".repeat(128), 1, false, 1, MessageProperties.NONE).accepted());
            assertVerdict(Verdict.Outcome.NOT_DELIVERED, ReasonCode.TOPIC_NAME_INVALID,
                    publish(DEFAULTS, "t".repeat(129), 1, false, 1, MessageProperties.NONE));
        }

        @Test
        void aFilterOver128CharactersIsRefusedTopicFilterInvalid() {
            assertTrue(DEFAULTS.subscription("t".repeat(128), 1).granted());
            PlatformPolicy.Subscription refused = DEFAULTS.subscription("t".repeat(129), 1);

            assertFalse(refused.granted());
            assertNull(refused.filter());
            assertEquals(ReasonCode.TOPIC_FILTER_INVALID, refused.refusal());
        }

        @Test
        void aClientIdOf128CharactersIsAllowedAnd129IsNot() {
            assertTrue(DEFAULTS.connect("c".repeat(128), PlatformPolicy.Will.NONE, List.of()).accepted());
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    DEFAULTS.connect("c".repeat(129), PlatformPolicy.Will.NONE, List.of()));
        }

        @Test
        void theLimitsAreSettings() {
            PlatformPolicy wider = policy(Map.of("limits.max-payload", "300KiB", "limits.max-packet-size", "310KiB",
                    "limits.max-topic-length", "200", "limits.max-client-id-length", "200"));

            assertTrue(publish(wider, "t".repeat(200), 1, false, 300 * 1024, MessageProperties.NONE).accepted());
            assertTrue(wider.connect("c".repeat(200), PlatformPolicy.Will.NONE, List.of()).accepted());
            assertEquals(310 * 1024, wider.maxPacketSize());
        }
    }

    @Nested
    class TopicNames {

        @Test
        void aWildcardInATopicNameRefusesThePublishTopicNameInvalid() {
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.TOPIC_NAME_INVALID,
                    publish(DEFAULTS, "a/+", 0, false, 1, MessageProperties.NONE));
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.TOPIC_NAME_INVALID,
                    publish(DEFAULTS, "a/#", 0, false, 1, MessageProperties.NONE));
        }

        @Test
        void anEmptyTopicNameIsAProtocolError() {
            assertVerdict(Verdict.Outcome.REFUSE, ReasonCode.PROTOCOL_ERROR,
                    publish(DEFAULTS, "", 0, false, 1, MessageProperties.NONE));
        }

        @Test
        void refusalsComeInTheOrderAClientWouldLearnOfThem() {
            // QoS first, then RETAIN, then the topic, then per-message limits.
            assertEquals(ReasonCode.QOS_NOT_SUPPORTED,
                    publish(DEFAULTS, "a/+", 2, true, 1_000_000, MessageProperties.NONE).reasonCode());
            assertEquals(ReasonCode.RETAIN_NOT_SUPPORTED,
                    publish(DEFAULTS, "a/+", 1, true, 1_000_000, MessageProperties.NONE).reasonCode());
            assertEquals(ReasonCode.TOPIC_NAME_INVALID,
                    publish(DEFAULTS, "a/+", 1, false, 1_000_000, MessageProperties.NONE).reasonCode());
        }
    }

    @Nested
    class Sessions {

        @Test
        void aSessionExpiryIsCappedAtSevenDays() {
            assertEquals(3600, DEFAULTS.sessionExpiry(3600));
            assertEquals(604_800, DEFAULTS.sessionExpiry(0xFFFFFFFFL));
            assertEquals(604_800, DEFAULTS.persistentSessionExpiry(), "3.x clean session 0 gets the longest kept");
        }

        @Test
        void theCapIsASetting() {
            assertEquals(60, policy(Map.of("limits.max-session-expiry", "60")).sessionExpiry(3600));
        }

        @Test
        void aSessionMayHoldAThousandSubscriptionsAndReplaceAnyOfThem() {
            assertTrue(DEFAULTS.subscriptionWithinQuota(999, false));
            assertFalse(DEFAULTS.subscriptionWithinQuota(1000, false));
            assertTrue(DEFAULTS.subscriptionWithinQuota(1000, true), "subscribing again to a held filter");
        }

        @Test
        void aConnectionMaySitSilentForOneAndAHalfKeepalives() {
            assertEquals(90_000, DEFAULTS.silenceAllowedMillis(60));
            assertEquals(1_800_000, DEFAULTS.longestSilenceAllowedMillis(), "1.5 times keepalive-max");
        }

        @Test
        void aSharedMemberIsBehindWithHalfItsQueueBoundWaiting() {
            assertEquals(5_000, DEFAULTS.sharedMemberBehindAt());
            assertEquals(1, policy(Map.of("limits.max-queued-messages", "1")).sharedMemberBehindAt());
        }

        @Test
        void theConnackLimitsAreTheBrokersSettings() {
            PlatformPolicy policy = policy(Map.of("limits.receive-maximum", "10", "limits.topic-alias-maximum", "3"));

            assertEquals(10, policy.receiveMaximum());
            assertEquals(3, policy.topicAliasMaximum());
            assertEquals(32, DEFAULTS.receiveMaximum());
            assertEquals(16, DEFAULTS.topicAliasMaximum());
        }
    }
}
