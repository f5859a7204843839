package io.ternmq.auth.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.core.auth.DeviceId;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Link SDK sign-in: client id parsing, the signed content, known HMAC vectors, tampering. */
class LinkSignInTest {

    private static final String CONTENT = "clientId12345deviceNamedeviceproductKeypktimestamp789";
    private static final DeviceId DEVICE = new DeviceId("pk", "device");

    @ParameterizedTest
    @CsvSource({
        "hmacsha1, FAFD82A3D602B37FB0FA8B7892F24A477F851A14",
        "hmacmd5, 14B198324FE55E1D3C88F2E705E201EE",
        "hmacsha256, 6074A46A91B1EBB2CC4EA42790AD0E80202C9843859FC292E57C4EB19FAD9E57"})
    void knownVectors(String method, String expected) {
        assertEquals(CONTENT, LinkSignIn.content("12345", "device", "pk", "789"));
        assertEquals(expected.toLowerCase(Locale.ROOT), LinkSignIn.sign(method, "secret", CONTENT));

        LinkClientId id = LinkSignIn.parse("12345|securemode=3,signmethod=" + method + ",timestamp=789|");
        assertTrue(LinkSignIn.verify(id, DEVICE, "secret", expected.getBytes(StandardCharsets.US_ASCII)),
                "upper-case hex");
        assertTrue(LinkSignIn.verify(id, DEVICE, "secret",
                expected.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII)), "lower-case hex");
    }

    @Test
    void theHmacAgreesWithOpenssl() throws Exception {
        assertTrue(onPath("openssl"), "openssl is not on the PATH: test.sh installs it");
        for (String[] pair : List.of(new String[] {"sha256", "hmacsha256"}, new String[] {"sha1", "hmacsha1"},
                new String[] {"md5", "hmacmd5"})) {
            String content = LinkSignIn.content("abc-9", "lamp:01", "a1B2c3", "1700000000000");
            Process process = new ProcessBuilder("openssl", "dgst", "-" + pair[0], "-hmac", "s3cr3t-Key")
                    .redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(content.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
            assertEquals(0, process.exitValue(), output);
            // "HMAC-SHA2-256(stdin)= 6074..." or "(stdin)= 6074...", depending on the OpenSSL version.
            String hex = output.substring(output.lastIndexOf(' ') + 1);
            assertEquals(hex, LinkSignIn.sign(pair[1], "s3cr3t-Key", content), pair[1]);
        }
    }

    private static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, binary).canExecute()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void parsesTheClientIdInAnyParameterOrderAndKeepsUnknownParameters() {
        LinkClientId a = LinkSignIn.parse("12345|securemode=3,signmethod=hmacsha1,timestamp=789|");
        LinkClientId b = LinkSignIn.parse("12345|timestamp=789,_v=sdk-c-4.0.0,signmethod=hmacsha1,lan=C,"
                + "securemode=3,gw=0,ext=1|");
        for (LinkClientId id : List.of(a, b)) {
            assertEquals("12345", id.id());
            assertEquals(3, id.secureMode());
            assertEquals("hmacsha1", id.signMethod());
            assertEquals("789", id.timestamp());
            assertEquals(CONTENT, LinkSignIn.content(id, DEVICE));
            assertTrue(LinkSignIn.verify(id, DEVICE, "secret",
                    "fafd82a3d602b37fb0fa8b7892f24a477f851a14".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals(List.of("timestamp", "_v", "signmethod", "lan", "securemode", "gw", "ext"),
                List.copyOf(b.params().keySet()));
        assertEquals("sdk-c-4.0.0", b.params().get("_v"));
        assertThrows(UnsupportedOperationException.class, () -> b.params().put("x", "y"));
    }

    @Test
    void withoutATimestampTheContentLeavesItOut() {
        LinkClientId id = LinkSignIn.parse("dev-7|securemode=2,signmethod=hmacsha256|");
        assertNull(id.timestamp());
        assertEquals(2, id.secureMode());
        assertEquals("clientIddev-7deviceNamedeviceproductKeypk", LinkSignIn.content(id, DEVICE));
        String password = LinkSignIn.sign("hmacsha256", "secret", "clientIddev-7deviceNamedeviceproductKeypk");
        assertTrue(LinkSignIn.verify(id, DEVICE, "secret", password.getBytes(StandardCharsets.US_ASCII)));
        // The signature over the content with a timestamp is a different one.
        String withTimestamp = LinkSignIn.sign("hmacsha256", "secret", LinkSignIn.content("dev-7", "device", "pk",
                "1"));
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", withTimestamp.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theSignMethodIsReadInAnyCase() {
        assertEquals("hmacsha256", LinkSignIn.parse("x|securemode=3,signmethod=HmacSHA256|").signMethod());
        assertEquals(LinkSignIn.sign("hmacmd5", "k", "c"), LinkSignIn.sign("HMACMD5", "k", "c"));
    }

    @Test
    void emptyParametersFromATrailingCommaAreSkipped() {
        LinkClientId id = LinkSignIn.parse("x|securemode=3,,signmethod=hmacsha1,|");
        assertEquals(Map.of("securemode", "3", "signmethod", "hmacsha1"), id.params());
    }

    @Test
    void aClientIdWithoutBarsIsNotALinkOne() {
        assertNull(LinkSignIn.parse("plain-client"));
        assertNull(LinkSignIn.parse(""));
        assertEquals("plain-client", LinkSignIn.bareClientId("plain-client"));
        assertEquals("", LinkSignIn.bareClientId(""));
        assertEquals("12345", LinkSignIn.bareClientId("12345|securemode=3,signmethod=hmacsha1|"));
        assertEquals("a", LinkSignIn.bareClientId("a|b|c"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "12345|securemode=3,signmethod=hmacsha512|; signmethod",
        "12345|securemode=3,signmethod=|; signmethod",
        "12345|securemode=3|; signmethod is missing",
        "12345|signmethod=hmacsha1|; securemode is missing",
        "12345|securemode=1,signmethod=hmacsha1|; securemode",
        "12345|securemode=-2,signmethod=hmacsha1|; securemode",
        "12345|securemode=33,signmethod=hmacsha1|; securemode",
        "12345|securemode=3,signmethod=hmacsha1,timestamp=12ab|; timestamp",
        "12345|securemode=3,signmethod=hmacsha1,timestamp=|; timestamp",
        "12345|securemode=3,signmethod=hmacsha1,timestamp=12345678901234567890|; timestamp",
        "12345|securemode=3,signmethod=hmacsha1; no closing '|'",
        "12345|securemode=3,signmethod=hmacsha1|extra; after the closing",
        "12345|securemode=3,signmethod=hmacsha1|x|; after the closing",
        "12345|securemode=3,signmethod=hmacsha1,lan|; \"lan\" is not name=value",
        "12345|securemode=3,=x,signmethod=hmacsha1|; \"=x\" is not name=value",
        "12345|securemode=3,securemode=2,signmethod=hmacsha1|; securemode appears twice",
        "|securemode=3,signmethod=hmacsha1|; before '|' is empty"})
    void aMalformedLinkClientIdIsRefusedNamingTheProblem(String presented, String named) {
        LinkSignInException e = assertThrows(LinkSignInException.class, () -> LinkSignIn.parse(presented));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void aLongBadValueIsClippedInTheMessage() {
        String value = "x".repeat(500);
        LinkSignInException e = assertThrows(LinkSignInException.class,
                () -> LinkSignIn.parse("a|securemode=3,signmethod=" + value + "|"));
        assertTrue(e.getMessage().length() < 150, e.getMessage());
    }

    @Test
    void theUserNameIsDeviceNameAmpersandProductKey() {
        assertEquals(new DeviceId("pk", "device"), LinkSignIn.parseUserName("device&pk"));
        assertEquals(new DeviceId("a1B2c3", "lamp:01@home"), LinkSignIn.parseUserName("lamp:01@home&a1B2c3"));
        for (String bad : new String[] {"device", "&pk", "device&", "&", "a&b&c", ""}) {
            assertNull(LinkSignIn.parseUserName(bad), bad);
        }
        assertNull(LinkSignIn.parseUserName(null));
    }

    @Test
    void aTamperedFieldFailsTheSignature() {
        LinkClientId id = LinkSignIn.parse("12345|securemode=3,signmethod=hmacsha1,timestamp=789|");
        byte[] good = "fafd82a3d602b37fb0fa8b7892f24a477f851a14".getBytes(StandardCharsets.US_ASCII);
        assertTrue(LinkSignIn.verify(id, DEVICE, "secret", good));

        assertFalse(LinkSignIn.verify(LinkSignIn.parse("12346|securemode=3,signmethod=hmacsha1,timestamp=789|"),
                DEVICE, "secret", good), "client id");
        assertFalse(LinkSignIn.verify(LinkSignIn.parse("12345|securemode=3,signmethod=hmacsha1,timestamp=790|"),
                DEVICE, "secret", good), "timestamp");
        assertFalse(LinkSignIn.verify(LinkSignIn.parse("12345|securemode=3,signmethod=hmacsha1|"),
                DEVICE, "secret", good), "timestamp dropped");
        assertFalse(LinkSignIn.verify(LinkSignIn.parse("12345|securemode=3,signmethod=hmacmd5,timestamp=789|"),
                DEVICE, "secret", good), "sign method");
        assertFalse(LinkSignIn.verify(id, new DeviceId("pk", "devicf"), "secret", good), "device name");
        assertFalse(LinkSignIn.verify(id, new DeviceId("pj", "device"), "secret", good), "product key");
        assertFalse(LinkSignIn.verify(id, DEVICE, "secreT", good), "secret");

        byte[] flipped = good.clone();
        flipped[flipped.length - 1] = '5';
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", flipped), "last hex digit");
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", java.util.Arrays.copyOf(good, good.length - 1)),
                "one digit short");
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", java.util.Arrays.copyOf(good, good.length + 1)),
                "one byte more");
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", new byte[0]), "empty");
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", null), "no password");
        assertFalse(LinkSignIn.verify(id, DEVICE, "", good), "empty secret");
        assertFalse(LinkSignIn.verify(id, DEVICE, null, good), "no secret");
    }

    @Test
    void onlyHexLettersAreFoldedToLowerCase() {
        LinkClientId id = LinkSignIn.parse("12345|securemode=3,signmethod=hmacsha1,timestamp=789|");
        // A fold by OR-ing 0x20 would turn 0x18 into '8' and accept it; only A-F fold.
        byte[] good = "fafd82a3d602b37fb0fa8b7892f24a477f851a14".getBytes(StandardCharsets.US_ASCII);
        byte[] shifted = good.clone();
        shifted[4] = (byte) ('8' - 0x20);
        assertFalse(LinkSignIn.verify(id, DEVICE, "secret", shifted));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmacsha512", "sha1", ""})
    void anUnknownSignMethodCannotSign(String method) {
        LinkSignInException e = assertThrows(LinkSignInException.class, () -> LinkSignIn.sign(method, "k", "c"));
        assertTrue(e.getMessage().contains("signmethod"), e.getMessage());
    }

    @Test
    void anEmptySecretCannotSign() {
        LinkSignInException e = assertThrows(LinkSignInException.class,
                () -> LinkSignIn.sign("hmacsha1", "", CONTENT));
        assertTrue(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void nonAsciiContentIsSignedAsUtf8() throws IOException {
        String content = LinkSignIn.content("ü", "device", "pk", null);
        byte[] mac;
        try {
            javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA1");
            hmac.init(new javax.crypto.spec.SecretKeySpec("k".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac = hmac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        assertEquals(java.util.HexFormat.of().formatHex(mac), LinkSignIn.sign("hmacsha1", "k", content));
    }
}
