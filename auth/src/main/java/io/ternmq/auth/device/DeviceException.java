package io.ternmq.auth.device;

/**
 * A registry operation refused for what was asked, not for a failure of the store: the admin API answers it with
 * 400 ({@link Kind#INVALID}) or 409 ({@link Kind#CONFLICT}). The message names the field at fault and never
 * carries a secret.
 */
public final class DeviceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of refusal. */
    public enum Kind {
        /** A name, secret or argument breaks the rules; {@link #field()} says which. */
        INVALID,
        /** The device exists already. */
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    DeviceException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The field at fault: "productKey", "deviceName", "deviceSecret", "limit", an import item's
     * "devices[3].deviceName" or a CSV's "line 7 deviceName".
     */
    public String field() {
        return field;
    }
}
