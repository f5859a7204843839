package io.ternmq.core.protocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.ternmq.core.codec.ReasonCode;
import io.ternmq.core.connection.Attributes;
import io.ternmq.core.message.UserProperty;
import io.ternmq.core.policy.PlatformPolicy;
import io.ternmq.core.policy.Verdict;
import java.util.List;

/**
 * What differs between MQTT 3.x and 5.0 at CONNECT, decided once from the CONNECT's protocol level: which client
 * ids need assigning, what the client tells about itself, how long its session lasts, how CONNACK reads, and which
 * protocol handler takes over. Everything else about CONNECT is the same for every version.
 */
abstract class ConnectVersion {

    private static final ConnectVersion MQTT31 = new Mqtt3(3);
    private static final ConnectVersion MQTT311 = new Mqtt3(4);
    private static final ConnectVersion MQTT5 = new Mqtt5();

    static ConnectVersion of(int level) {
        return switch (level) {
            case 3 -> MQTT31;
            case 4 -> MQTT311;
            default -> MQTT5;
        };
    }

    abstract int level();

    /** A refusal that only this version has, before any platform rule (5.0: enhanced authentication); or null. */
    Verdict refuseEarly(Channel channel, MqttConnectMessage connect) {
        return null;
    }

    /** Whether an empty client id gets one assigned; false refuses it (3.1; 3.1.1 with clean session 0). */
    abstract boolean assignsClientId(boolean cleanStart);

    List<UserProperty> userProperties(MqttConnectMessage connect) {
        return List.of();
    }

    ClientSettings settings(MqttConnectMessage connect) {
        return ClientSettings.MQTT3;
    }

    /** The Session Expiry Interval the client asked for, before the broker's cap. */
    abstract long requestedExpiry(MqttConnectMessage connect, PlatformPolicy policy);

    /**
     * The CONNACK of an accepted CONNECT.
     *
     * @param assignedClientId the id the broker assigned, or null
     * @param serverKeepalive  the keepalive the broker enforces, or -1 when it is the client's
     * @param cappedExpiry     the capped Session Expiry Interval, or -1 when it is the client's
     */
    abstract MqttConnAckMessage accepted(boolean sessionPresent, PlatformPolicy policy, String assignedClientId,
                                         int serverKeepalive, long cappedExpiry);

    /** The CONNACK that refuses: 5.0 the reason code and a Reason String; 3.x the return code closest to it. */
    abstract MqttConnAckMessage refused(Channel channel, Verdict verdict);

    abstract SessionPacketHandler handler(ProtocolHandlers handlers, ClientConnection connection, long expiry,
                                          long keepaliveMillis);

    abstract String handlerName();

    /** 3.x has six return codes: each 5.0 reason code maps to the one that means the most alike. */
    static MqttConnectReturnCode mqtt3ReturnCode(byte reasonCode) {
        return switch (reasonCode) {
            case ReasonCode.UNSUPPORTED_PROTOCOL_VERSION -> MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;
            case ReasonCode.CLIENT_IDENTIFIER_NOT_VALID -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case ReasonCode.SERVER_UNAVAILABLE, ReasonCode.SERVER_BUSY -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case ReasonCode.BAD_USER_NAME_OR_PASSWORD -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            default -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED; // a will refused, say (PLATFORM.md 3)
        };
    }

    /** MQTT 3.1 and 3.1.1. */
    private static final class Mqtt3 extends ConnectVersion {

        private final int level;

        Mqtt3(int level) {
            this.level = level;
        }

        @Override
        int level() {
            return level;
        }

        @Override
        boolean assignsClientId(boolean cleanStart) {
            // 3.1 (section 3.1): the Client Identifier is 1 to 23 characters. 3.1.1 MQTT-3.1.3-7, MQTT-3.1.3-8:
            // an empty one needs clean session 1.
            return level == 4 && cleanStart;
        }

        @Override
        long requestedExpiry(MqttConnectMessage connect, PlatformPolicy policy) {
            // Clean session 1 ends with the connection; clean session 0 never expires, as far as the broker keeps.
            return connect.variableHeader().isCleanSession() ? 0 : policy.persistentSessionExpiry();
        }

        @Override
        MqttConnAckMessage accepted(boolean sessionPresent, PlatformPolicy policy, String assignedClientId,
                                    int serverKeepalive, long cappedExpiry) {
            return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                    .sessionPresent(sessionPresent).build();
        }

        @Override
        MqttConnAckMessage refused(Channel channel, Verdict verdict) {
            return MqttMessageBuilders.connAck().returnCode(mqtt3ReturnCode(verdict.reasonCode())).sessionPresent(false)
                    .build();
        }

        @Override
        SessionPacketHandler handler(ProtocolHandlers handlers, ClientConnection connection, long expiry,
                                     long keepaliveMillis) {
            return handlers.mqtt3(connection, keepaliveMillis);
        }

        @Override
        String handlerName() {
            return Mqtt3Handler.NAME;
        }
    }

    /** MQTT 5.0. */
    private static final class Mqtt5 extends ConnectVersion {

        @Override
        int level() {
            return 5;
        }

        @Override
        Verdict refuseEarly(Channel channel, MqttConnectMessage connect) {
            MqttProperties props = connect.variableHeader().properties();
            Integer clientMaximum = Mqtt5Properties.integer(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
            if (clientMaximum != null) {
                // From now on nothing sent to it is larger, a refusal's Reason String included (5.0 MQTT-3.1.2-24).
                channel.attr(Disconnector.CLIENT_MAXIMUM_PACKET_SIZE).set(Integer.toUnsignedLong(clientMaximum));
            }
            if (Mqtt5Properties.has(props, MqttPropertyType.AUTHENTICATION_METHOD)) {
                return new Verdict(Verdict.Outcome.REFUSE, ReasonCode.BAD_AUTHENTICATION_METHOD,
                        "enhanced authentication is not supported");
            }
            return null;
        }

        @Override
        boolean assignsClientId(boolean cleanStart) {
            return true; // MQTT-3.1.3-6, MQTT-3.1.3-7: returned as Assigned Client Identifier
        }

        @Override
        List<UserProperty> userProperties(MqttConnectMessage connect) {
            return Mqtt5Properties.userProperties(connect.variableHeader().properties());
        }

        @Override
        ClientSettings settings(MqttConnectMessage connect) {
            MqttProperties props = connect.variableHeader().properties();
            Integer receiveMaximum = Mqtt5Properties.integer(props, MqttPropertyType.RECEIVE_MAXIMUM);
            Integer maximumPacketSize = Mqtt5Properties.integer(props, MqttPropertyType.MAXIMUM_PACKET_SIZE);
            Integer topicAliasMaximum = Mqtt5Properties.integer(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM);
            Integer problemInformation = Mqtt5Properties.integer(props, MqttPropertyType.REQUEST_PROBLEM_INFORMATION);
            return new ClientSettings(receiveMaximum == null ? 65535 : receiveMaximum,
                    maximumPacketSize == null ? 0 : Integer.toUnsignedLong(maximumPacketSize),
                    topicAliasMaximum == null ? 0 : topicAliasMaximum,
                    problemInformation == null || problemInformation != 0);
        }

        @Override
        long requestedExpiry(MqttConnectMessage connect, PlatformPolicy policy) {
            // 5.0 §3.1.2.11.2: absent means 0, the session ends with the connection.
            Integer expiry = Mqtt5Properties.integer(connect.variableHeader().properties(),
                    MqttPropertyType.SESSION_EXPIRY_INTERVAL);
            return expiry == null ? 0 : Integer.toUnsignedLong(expiry);
        }

        /** The CONNACK properties PLATFORM.md 3 promises every MQTT 5 client. */
        @Override
        MqttConnAckMessage accepted(boolean sessionPresent, PlatformPolicy policy, String assignedClientId,
                                    int serverKeepalive, long cappedExpiry) {
            MqttProperties p = new MqttProperties();
            if (cappedExpiry >= 0) {
                // 5.0 §3.2.2.3.2: the server's Session Expiry Interval replaces the client's.
                p.add(integer(MqttPropertyType.SESSION_EXPIRY_INTERVAL, (int) cappedExpiry));
            }
            p.add(integer(MqttPropertyType.MAXIMUM_QOS, PlatformPolicy.MAX_QOS));
            p.add(integer(MqttPropertyType.RETAIN_AVAILABLE, policy.retainAvailable() ? 1 : 0));
            p.add(integer(MqttPropertyType.WILDCARD_SUBSCRIPTION_AVAILABLE, policy.wildcardSubscriptionsAvailable() ? 1 : 0));
            p.add(integer(MqttPropertyType.SHARED_SUBSCRIPTION_AVAILABLE, policy.sharedSubscriptionsAvailable() ? 1 : 0));
            p.add(integer(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE,
                    policy.subscriptionIdentifiersAvailable() ? 1 : 0));
            p.add(integer(MqttPropertyType.TOPIC_ALIAS_MAXIMUM, policy.topicAliasMaximum()));
            p.add(integer(MqttPropertyType.RECEIVE_MAXIMUM, policy.receiveMaximum()));
            p.add(integer(MqttPropertyType.MAXIMUM_PACKET_SIZE, policy.maxPacketSize()));
            if (serverKeepalive >= 0) {
                p.add(integer(MqttPropertyType.SERVER_KEEP_ALIVE, serverKeepalive));
            }
            if (assignedClientId != null) {
                p.add(new MqttProperties.StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(),
                        assignedClientId));
            }
            return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                    .sessionPresent(sessionPresent).properties(p).build();
        }

        @Override
        MqttConnAckMessage refused(Channel channel, Verdict verdict) {
            Long maxPacket = Attributes.peek(channel, Disconnector.CLIENT_MAXIMUM_PACKET_SIZE);
            return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.valueOf(verdict.reasonCode()))
                    .properties(Mqtt5Properties.reasonString(verdict.reason(), true, maxPacket == null ? 0 : maxPacket, 2))
                    .sessionPresent(false).build();
        }

        @Override
        SessionPacketHandler handler(ProtocolHandlers handlers, ClientConnection connection, long expiry,
                                     long keepaliveMillis) {
            return handlers.mqtt5(connection, expiry, keepaliveMillis);
        }

        @Override
        String handlerName() {
            return Mqtt5Handler.NAME;
        }

        private static MqttProperties.IntegerProperty integer(MqttPropertyType type, int value) {
            return new MqttProperties.IntegerProperty(type.value(), value);
        }
    }
}
