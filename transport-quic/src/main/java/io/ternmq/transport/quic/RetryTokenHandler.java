package io.ternmq.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Address validation with stateless retry (RFC 9000 8.1.2): the token in a Retry packet is
 * {@code HMAC-SHA256(key, client IP, issue time, original DCID)[0..16] | issue time | original DCID}, with a key
 * made at start-up, so only this broker process can mint one and only for the address it was sent to.
 * <p>
 * A token is valid for {@link #LIFETIME_MILLIS} and only once: the broker remembers the tokens it accepted until
 * they expire. A replayed Initial (an attacker resending a client's first flight, 0-RTT data included, even from
 * the client's spoofed address) is therefore dropped, which is what makes acting on a CONNECT in early data safe
 * (docs/quic.md, 0-RTT). Shared by every socket of the listener; thread-safe.
 */
final class RetryTokenHandler implements QuicTokenHandler {

    /** A Retry token is echoed within one round trip; 10 s covers the slowest satellite link. */
    static final long LIFETIME_MILLIS = 10_000;
    /** Accepted tokens remembered at once; beyond it new clients are not admitted until older tokens expire. */
    static final int MAX_REMEMBERED = 200_000;

    private static final int MAC_LENGTH = 16;
    private static final int HEADER_LENGTH = MAC_LENGTH + Long.BYTES;
    private static final int MAX_CONNECTION_ID_LENGTH = 20;

    private final SecretKeySpec key;
    private final Clock clock;
    private final Map<String, Long> used = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    RetryTokenHandler(Clock clock) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
    }

    RetryTokenHandler() {
        this(Clock.systemUTC());
    }

    @Override
    public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
        long issued = clock.millis();
        byte[] odcid = bytes(dcid, dcid.readerIndex(), dcid.readableBytes());
        out.writeBytes(mac(address, issued, odcid));
        out.writeLong(issued);
        out.writeBytes(odcid);
        return true;
    }

    @Override
    public int validateToken(ByteBuf token, InetSocketAddress address) {
        int length = token.readableBytes();
        if (length < HEADER_LENGTH || length > maxTokenLength()) {
            return reject();
        }
        int start = token.readerIndex();
        byte[] mac = bytes(token, start, MAC_LENGTH);
        long issued = token.getLong(start + MAC_LENGTH);
        byte[] odcid = bytes(token, start + HEADER_LENGTH, length - HEADER_LENGTH);
        long now = clock.millis();
        if (issued > now + 1_000 || now - issued > LIFETIME_MILLIS) {
            return reject();
        }
        if (!MessageDigest.isEqual(mac, mac(address, issued, odcid))) {
            return reject();
        }
        if (!remember(HexFormat.of().formatHex(mac), issued + LIFETIME_MILLIS, now)) {
            return reject();
        }
        return HEADER_LENGTH;
    }

    @Override
    public int maxTokenLength() {
        return HEADER_LENGTH + MAX_CONNECTION_ID_LENGTH;
    }

    /** Tokens refused so far: forged, expired, for another address, replayed, or over the memory bound. */
    long refused() {
        return refused.get();
    }

    /** True the first time a token is seen; false for a replay, or when too many tokens are remembered. */
    private boolean remember(String id, long expires, long now) {
        sweep(now);
        if (used.size() >= MAX_REMEMBERED) {
            return false;
        }
        return used.putIfAbsent(id, expires) == null;
    }

    /** Forgets expired tokens, at most once a second (an expired token is refused by its time anyway). */
    private void sweep(long now) {
        long due = nextSweep.get();
        if (now < due || !nextSweep.compareAndSet(due, now + 1_000)) {
            return;
        }
        for (Iterator<Long> it = used.values().iterator(); it.hasNext(); ) {
            if (it.next() < now) {
                it.remove();
            }
        }
    }

    private int reject() {
        refused.incrementAndGet();
        return -1;
    }

    private byte[] mac(InetSocketAddress address, long issued, byte[] odcid) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            hmac.update(address.getAddress().getAddress());
            for (int shift = 56; shift >= 0; shift -= 8) {
                hmac.update((byte) (issued >>> shift));
            }
            hmac.update(odcid);
            return Arrays.copyOf(hmac.doFinal(), MAC_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] bytes(ByteBuf buf, int index, int length) {
        byte[] bytes = new byte[length];
        buf.getBytes(index, bytes);
        return bytes;
    }
}
