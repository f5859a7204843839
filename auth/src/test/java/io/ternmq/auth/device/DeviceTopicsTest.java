package io.ternmq.auth.device;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.auth.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A device's own topics, its product's broadcasts, RRPC replies; nothing of another device's. */
class DeviceTopicsTest {

    private final Permissions topics = new DeviceTopics(new DeviceId("pk", "dn"));

    @ParameterizedTest
    @ValueSource(strings = {
        "/pk/dn/user/update",
        "/pk/dn/x",
        "/pk/dn//",
        "/sys/pk/dn/thing/event/property/post",
        "/ext/rrpc/1234567890/pk/dn/user/get",
        "/ext/rrpc/1234567890//pk/dn/user/get",
        "/ext/rrpc/abc/x"})
    void mayPublish(String topic) {
        assertTrue(topics.mayPublish(topic), topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/pk/dn",
        "/pk/dn/",
        "/pk/dnx/a",
        "/pk/other/a",
        "/pkx/dn/a",
        "pk/dn/a",
        "/sys/pk/dn",
        "/sys/pk/dn/",
        "/sys/pk/other/a",
        "/broadcast/pk/a",
        "/ext/rrpc/",
        "/ext/rrpc/123",
        "/ext/rrpc/123/",
        "/ext/rrpc//x",
        "/ext/other/123/x",
        "/other/x",
        "$SYS/broker"})
    void mayNotPublish(String topic) {
        assertFalse(topics.mayPublish(topic), topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/pk/dn/user/get",
        "/pk/dn/#",
        "/pk/dn/+",
        "/pk/dn/+/get",
        "/sys/pk/dn/thing/#",
        "/sys/pk/dn/thing/service/+",
        "/broadcast/pk/#",
        "/broadcast/pk/notice",
        "/ext/rrpc/+/#",
        "/ext/rrpc/+/pk/dn/user/get",
        "/ext/rrpc/123456/#",
        "/ext/rrpc/123456//pk/dn/x"})
    void maySubscribe(String filter) {
        assertTrue(topics.maySubscribe(filter), filter);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "#",
        "+",
        "+/#",
        "/#",
        "/+/dn/x",
        "/pk/#",
        "/pk/+/x",
        "/pk/+/#",
        "/pk/dn",
        "/pk/dn/",
        "/pk/other/#",
        "/sys/pk/+/x",
        "/sys/#",
        "/broadcast/#",
        "/broadcast/+/x",
        "/broadcast/otherpk/x",
        "/broadcast/pk",
        "/broadcast/pk/",
        "/ext/rrpc/#",
        "/ext/rrpc/+",
        "/ext/rrpc/+/",
        "/ext/#",
        "$SYS/#"})
    void mayNotSubscribe(String filter) {
        assertFalse(topics.maySubscribe(filter), filter);
    }

    @Test
    void devicesMayNotBroadcast() {
        assertFalse(topics.mayPublish("/broadcast/pk/notice"));
        assertFalse(topics.mayPublish("/broadcast/pk/dn/x"));
    }

    @Test
    void deliveryIsCheckedAgainstWhatItMaySubscribeTo() {
        assertTrue(topics.checksDelivery(), "defence in depth: a session it took over, a filter of an older rule");
        assertTrue(topics.mayReceive("/pk/dn/user/get"));
        assertTrue(topics.mayReceive("/sys/pk/dn/rrpc/request/1"));
        assertTrue(topics.mayReceive("/broadcast/pk/all"));
        assertTrue(topics.mayReceive("/ext/rrpc/7/pk/dn/user/get"));
        assertFalse(topics.mayReceive("/pk/other/user/get"), "another device's messages never reach it");
        assertFalse(topics.mayReceive("/sys/pk/other/thing/event"));
        assertFalse(topics.mayReceive("/broadcast/otherpk/all"));
        assertFalse(topics.mayReceive("anything/else"));
    }

    @Test
    void anotherDeviceOfTheSameProductIsItsOwnScope() {
        Permissions other = new DeviceTopics(new DeviceId("pk", "dn2"));
        assertFalse(other.mayPublish("/pk/dn/x"));
        assertFalse(other.maySubscribe("/pk/dn/#"));
        assertTrue(other.maySubscribe("/broadcast/pk/#"), "the product's broadcasts are shared");
    }

    @Test
    void aNameThatIsATopicWildcardIsRefused() {
        for (DeviceId bad : new DeviceId[] {new DeviceId("pk", "+"), new DeviceId("#", "dn"),
                new DeviceId("pk", "a/b")}) {
            assertThrows(IllegalArgumentException.class, () -> new DeviceTopics(bad), bad.toString());
        }
    }
}
