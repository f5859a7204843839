package io.ternmq.auth.device;

import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Permissions;

/**
 * Where one device may go, by the Link platform's topic layout: its own topics and nothing of another device's.
 * <ul>
 *   <li>publish under {@code /{pk}/{dn}/}, {@code /sys/{pk}/{dn}/} and {@code /ext/rrpc/{messageId}/} (the reply
 *       to an RRPC request, whose message id the device learnt from the request);</li>
 *   <li>subscribe under the same two device prefixes, its product's {@code /broadcast/{pk}/} and
 *       {@code /ext/rrpc/+/} (or one literal message id), wildcards allowed after the prefix.</li>
 * </ul>
 * Every prefix ends in '/' and something must follow it, so {@code /pk/dn} itself, {@code #} and
 * {@code /pk/+/x} are refused. A subscription can then only match topics under its literal prefix, so delivery
 * needs no second check.
 */
public final class DeviceTopics implements Permissions {

    private static final String RRPC = "/ext/rrpc/";

    private final DeviceId device;
    private final String own;
    private final String sys;
    private final String broadcast;

    public DeviceTopics(DeviceId device) {
        for (String part : new String[] {device.productKey(), device.deviceName()}) {
            if (part.indexOf('/') >= 0 || part.indexOf('+') >= 0 || part.indexOf('#') >= 0) {
                throw new IllegalArgumentException("device " + device + " has a '/', '+' or '#' in its name");
            }
        }
        this.device = device;
        this.own = "/" + device.productKey() + "/" + device.deviceName() + "/";
        this.sys = "/sys" + own;
        this.broadcast = "/broadcast/" + device.productKey() + "/";
    }

    public DeviceId device() {
        return device;
    }

    @Override
    public boolean mayPublish(String topic) {
        return under(topic, own) || under(topic, sys) || rrpc(topic);
    }

    @Override
    public boolean maySubscribe(String filter) {
        return under(filter, own) || under(filter, sys) || under(filter, broadcast) || rrpc(filter);
    }

    /**
     * What a device receives: the topics it may subscribe to. Asked again at delivery (defence in depth: a session
     * it took over, a filter allowed by an older rule) through the connection's decision cache.
     */
    @Override
    public boolean mayReceive(String topic) {
        return under(topic, own) || under(topic, sys) || under(topic, broadcast) || rrpc(topic);
    }

    @Override
    public boolean checksDelivery() {
        return true;
    }

    /** Starts with the prefix and goes on after it. */
    private static boolean under(String topic, String prefix) {
        return topic.length() > prefix.length() && topic.startsWith(prefix);
    }

    /**
     * {@code /ext/rrpc/{one level}/{something}}: the message id a single non-empty level ('+' in a filter, never
     * '#'), and a non-empty rest after its '/'.
     */
    private static boolean rrpc(String topic) {
        if (!topic.startsWith(RRPC)) {
            return false;
        }
        int end = topic.indexOf('/', RRPC.length());
        return end > RRPC.length() && end < topic.length() - 1 && topic.charAt(RRPC.length()) != '#';
    }

    @Override
    public String toString() {
        return "the topics of device " + device;
    }
}
