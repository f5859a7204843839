package io.ternmq.core.session;

import io.ternmq.core.auth.DeviceId;
import io.ternmq.core.connection.CloseReason;
import io.ternmq.core.connection.Connection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live connection of every signed-in device. A device has one: when it signs in again (any client id) the
 * connection it had is closed as taken over (MQTT 5: DISCONNECT 0x8E), as Alibaba's platform does. RRPC and the
 * device status ask it whether a device is online and when it was last heard from.
 */
public final class DevicePresence {

    /** Told when a device comes and goes; on any thread, quick (the registry records last online). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void online(DeviceId device, Connection connection) {
        }

        default void offline(DeviceId device, Connection connection) {
        }
    }

    private final ConcurrentHashMap<DeviceId, Connection> live = new ConcurrentHashMap<>();
    private final LongAdder takenOver = new LongAdder();
    private volatile Listener listener = Listener.NONE;

    /** Set once at wiring, before the first connection. */
    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** The device signed in on {@code connection}; an older connection of the same device is closed. */
    public void signedIn(DeviceId device, Connection connection) {
        Connection old = live.put(device, connection);
        if (old != null && old != connection) {
            takenOver.increment();
            old.close(CloseReason.SESSION_TAKEN_OVER);
        }
        listener.online(device, connection);
    }

    /** The connection closed; the device is offline unless a newer connection took over. */
    public void gone(DeviceId device, Connection connection) {
        if (live.remove(device, connection)) {
            listener.offline(device, connection);
        }
    }

    /** The device's live connection, or null when it is offline. */
    public Connection connection(DeviceId device) {
        return live.get(device);
    }

    public int online() {
        return live.size();
    }

    /** Connections closed because their device signed in again elsewhere. */
    public long takenOver() {
        return takenOver.sum();
    }
}
