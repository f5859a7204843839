package io.ternmq.auth.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.auth.FileFormatException;
import io.ternmq.core.auth.Permissions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mosquitto's ACL file: parsing, user and anonymous rules, patterns, deny, subscription matching. */
class AclFileTest {

    /** Mosquitto's aclfile.example, then a site's own rules. */
    private static final String MOSQUITTO_EXAMPLE = """
            # This affects access control for clients with no username.
            topic read $SYS/#

            # This only affects clients with username "roger".
            user roger
            topic foo/bar

            # This affects all clients.
            pattern write $SYS/broker/connection/%c/state

            user sensor-gateway
            topic write plant/+/telemetry/#
            topic read plant/commands/#
            topic deny plant/commands/firmware/#

            user dashboard
            topic read plant/#
            topic read $SYS/broker/clients/#

            pattern readwrite clients/%c/#
            pattern read users/%u/inbox/#
            """;

    private final AclFile acl = AclFile.parse(MOSQUITTO_EXAMPLE, "acl.conf");

    @Test
    void anonymousClientsGetTheRulesBeforeTheFirstUserLine() {
        Permissions anonymous = acl.permissionsFor(null, "anon-1");
        assertTrue(anonymous.maySubscribe("$SYS/#"));
        assertTrue(anonymous.maySubscribe("$SYS/broker/load/+"));
        assertTrue(anonymous.mayReceive("$SYS/broker/uptime"));
        assertFalse(anonymous.mayPublish("$SYS/broker/uptime"), "read only");
        assertFalse(anonymous.maySubscribe("#"), "wider than the rule");
        assertFalse(anonymous.maySubscribe("foo/bar"), "roger's rule");
        assertTrue(anonymous.checksDelivery());
        // The patterns apply to anonymous clients too, except those naming the user.
        assertTrue(anonymous.mayPublish("$SYS/broker/connection/anon-1/state"));
        assertTrue(anonymous.mayPublish("clients/anon-1/x"));
        assertFalse(anonymous.mayReceive("users/%u/inbox/x"), "no user name to fill in");
        assertFalse(anonymous.mayReceive("users//inbox/x"));
    }

    @Test
    void aUserGetsItsRulesAndThePatternsOnly() {
        Permissions roger = acl.permissionsFor("roger", "roger-laptop");
        assertTrue(roger.mayPublish("foo/bar"));
        assertTrue(roger.maySubscribe("foo/bar"));
        assertTrue(roger.mayReceive("foo/bar"));
        assertFalse(roger.mayPublish("foo/baz"));
        assertFalse(roger.maySubscribe("foo/+"), "the rule is one topic; foo/+ is wider");
        assertFalse(roger.maySubscribe("$SYS/#"), "the anonymous rules are not a user's");
        assertTrue(roger.mayPublish("$SYS/broker/connection/roger-laptop/state"));
        assertFalse(roger.mayPublish("$SYS/broker/connection/other/state"));
        assertFalse(roger.mayReceive("$SYS/broker/connection/roger-laptop/state"), "write only");
        assertTrue(roger.mayReceive("users/roger/inbox/1"));
        assertFalse(roger.mayPublish("users/roger/inbox/1"));
        assertFalse(roger.mayReceive("users/dashboard/inbox/1"));
    }

    @Test
    void anUnknownUserGetsOnlyThePatterns() {
        Permissions stranger = acl.permissionsFor("mallory", "m1");
        assertFalse(stranger.mayPublish("foo/bar"));
        assertFalse(stranger.maySubscribe("$SYS/#"));
        assertTrue(stranger.mayPublish("clients/m1/x"));
        assertTrue(stranger.maySubscribe("users/mallory/inbox/#"));
        assertFalse(acl.hasUser("mallory"));
        assertTrue(acl.hasUser("roger"));
    }

    @Test
    void aDenyRuleWinsWhateverItsPlace() {
        Permissions gateway = acl.permissionsFor("sensor-gateway", "gw-1");
        assertTrue(gateway.mayPublish("plant/7/telemetry/temp"));
        assertTrue(gateway.mayPublish("plant/7/telemetry"), "x/# covers x");
        assertFalse(gateway.mayPublish("plant/7/status"));
        assertTrue(gateway.maySubscribe("plant/commands/#"));
        assertTrue(gateway.mayReceive("plant/commands/restart"));
        assertFalse(gateway.mayReceive("plant/commands/firmware/v2"), "denied at delivery");
        assertFalse(gateway.maySubscribe("plant/commands/firmware/#"));
        assertFalse(gateway.maySubscribe("plant/commands/firmware/v2"));

        AclFile denyLast = AclFile.parse("user u\ntopic a/#\ntopic deny a/secret\n", "x");
        AclFile denyFirst = AclFile.parse("user u\ntopic deny a/secret\ntopic a/#\n", "x");
        for (AclFile file : new AclFile[] {denyLast, denyFirst}) {
            Permissions u = file.permissionsFor("u", "c");
            assertFalse(u.mayPublish("a/secret"));
            assertFalse(u.mayReceive("a/secret"));
            assertTrue(u.mayPublish("a/open"));
            assertTrue(u.maySubscribe("a/#"), "a filter covering the denied topic may be subscribed");
        }
    }

    @Test
    void aDenyPatternBeatsAUserRule() {
        AclFile file = AclFile.parse("user u\ntopic readwrite #\npattern deny private/%c/#\n", "x");
        Permissions u = file.permissionsFor("u", "me");
        assertTrue(u.mayPublish("anything"));
        assertFalse(u.mayPublish("private/me/x"));
        assertTrue(u.mayPublish("private/you/x"));
    }

    @ParameterizedTest
    @CsvSource({
        "a/#, a/#, true",
        "a/#, a/+, true",
        "a/#, a/b/c, true",
        "a/#, a/+/c, true",
        "a/#, a, true",
        "a/#, #, false",
        "a/#, +/b, false",
        "a/#, b/#, false",
        "a/+, a/b, true",
        "a/+, a/+, true",
        "a/+, a/#, true",
        "a/+, a/b/c, false",
        "a/+, #, false",
        "+/b, +/b, true",
        "+/b, #, false",
        "#, #, true",
        "#, +/x, true",
        "#, $SYS/#, false",
        "$SYS/#, $SYS/#, true",
        "a/b, a/b, true",
        "a/b, a/+, false"})
    void theFilterIsMatchedAsATopicAgainstTheRule(String rule, String filter, boolean allowed) {
        Permissions p = AclFile.parse("user u\ntopic read " + rule + "\n", "x").permissionsFor("u", "c");
        assertEquals(allowed, p.maySubscribe(filter), rule + " for " + filter);
    }

    @Test
    void aWildcardSubscriptionIsNarrowedAtDelivery() {
        Permissions p = AclFile.parse("user u\ntopic read a/+\n", "x").permissionsFor("u", "c");
        assertTrue(p.maySubscribe("a/#"));
        assertTrue(p.mayReceive("a/b"));
        assertFalse(p.mayReceive("a/b/c"));
    }

    @Test
    void aWildcardRuleDoesNotReachDollarTopics() {
        Permissions p = AclFile.parse("user u\ntopic #\n", "x").permissionsFor("u", "c");
        assertTrue(p.mayPublish("a/b"));
        assertFalse(p.mayPublish("$SYS/x"));
        assertFalse(p.mayReceive("$SYS/x"));
    }

    @Test
    void readWriteAndReadwrite() {
        AclFile file = AclFile.parse("user u\ntopic read r\ntopic write w\ntopic readwrite rw\ntopic both\n", "x");
        Permissions p = file.permissionsFor("u", "c");
        assertTrue(p.mayReceive("r") && p.maySubscribe("r") && !p.mayPublish("r"));
        assertTrue(!p.mayReceive("w") && !p.maySubscribe("w") && p.mayPublish("w"));
        assertTrue(p.mayReceive("rw") && p.maySubscribe("rw") && p.mayPublish("rw"));
        assertTrue(p.mayReceive("both") && p.mayPublish("both"), "no access word is readwrite");
        assertEquals(4, file.ruleCount());
    }

    @Test
    void patternsFillInAnywhereInTheTopic() {
        AclFile file = AclFile.parse("pattern readwrite dev/id-%c/%u-x/%c\npattern read a/%x/%\n", "x");
        Permissions p = file.permissionsFor("bob", "c7");
        assertTrue(p.mayPublish("dev/id-c7/bob-x/c7"));
        assertFalse(p.mayPublish("dev/id-c8/bob-x/c7"));
        assertTrue(p.mayReceive("a/%x/%"), "other % sequences stay as they are");
    }

    @Test
    void aPatternIsNotFilledWithAWildcardOrSlash() {
        AclFile file = AclFile.parse("pattern readwrite clients/%c/#\npattern read users/%u\ntopic read open\n",
                "x");
        for (String bad : new String[] {"+", "#", "a/b", "x+", "#y"}) {
            Permissions p = file.permissionsFor(null, bad);
            assertFalse(p.mayPublish("clients/" + bad + "/x"), bad);
            assertFalse(p.mayPublish("clients/a/x"), bad);
            assertFalse(p.maySubscribe("clients/+/#"), bad);
            assertTrue(p.mayReceive("open"), "rules that do not name it still apply: " + bad);
            Permissions user = file.permissionsFor(bad, "fine");
            assertFalse(user.mayReceive("users/" + bad), bad);
            assertFalse(user.mayReceive("users/x"), bad);
            assertTrue(user.mayPublish("clients/fine/x"), "the client id is fine: " + bad);
        }
    }

    @Test
    void aDenyPatternThatCannotBeFilledInDeniesEverything() {
        AclFile file = AclFile.parse("user u\ntopic #\npattern deny private/%c/#\n", "x");
        assertTrue(file.permissionsFor("u", "ok").mayPublish("a"));
        Permissions p = file.permissionsFor("u", "evil/+");
        assertFalse(p.mayPublish("a"));
        assertFalse(p.maySubscribe("a"));
        assertFalse(p.mayReceive("a"));
    }

    @Test
    void aTopicMayHaveSpacesAfterItsAccess() {
        AclFile file = AclFile.parse("user u\ntopic read  my home/living room  \n", "x");
        Permissions p = file.permissionsFor("u", "c");
        assertTrue(p.mayReceive("my home/living room"));
        assertFalse(p.mayReceive("my"));
    }

    @Test
    void userNamesMayHaveSpacesAndBlocksOfOneUserMerge() {
        AclFile file = AclFile.parse("user John Smith\ntopic a\nuser other\ntopic b\nuser John Smith\ntopic c\n",
                "x");
        Permissions john = file.permissionsFor("John Smith", "c");
        assertTrue(john.mayPublish("a") && john.mayPublish("c"));
        assertFalse(john.mayPublish("b"));
    }

    @Test
    void commentsBlankLinesCrlfTabsAndIndentation() {
        AclFile file = AclFile.parse("# comment\r\n\r\n   \r\n  # indented comment\r\n\tuser\tu\r\n"
                + "  topic\tread\ta/b\r\n", "x");
        assertTrue(file.permissionsFor("u", "c").mayReceive("a/b"));
        assertEquals(1, file.ruleCount());
    }

    @Test
    void anEmptyFileDeniesEverything() {
        Permissions p = AclFile.parse("", "x").permissionsFor("u", "c");
        assertFalse(p.mayPublish("a"));
        assertFalse(p.maySubscribe("a"));
        assertFalse(p.mayReceive("a"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user u\\ntopic rw a/b| 2| unknown access \"rw\"",
        "user u\\ntopic a b| 2| unknown access \"a\"",
        "# x\\n\\nuser| 3| user without a user name",
        "topic| 1| topic without a topic",
        "pattern   | 1| pattern without a topic",
        "topic read a/#/b| 1| not a valid topic filter",
        "topic read a+| 1| not a valid topic filter",
        "pattern write x/%c#| 1| not a valid topic filter",
        "users u| 1| unknown keyword \"users\"",
        "topic read a\\nTOPIC read b| 2| unknown keyword \"TOPIC\""})
    void errorsNameTheFileAndLine(String text, int line, String problem) {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> AclFile.parse(text.replace("\\n", "\n"), "/etc/ternmq/acl"));
        assertEquals(line, e.line());
        assertEquals("/etc/ternmq/acl", e.source());
        assertTrue(e.getMessage().startsWith("/etc/ternmq/acl line " + line + ": "), e.getMessage());
        assertTrue(e.problem().contains(problem), e.getMessage());
    }

    @Test
    void aClientIdIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> acl.permissionsFor("u", null));
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl");
        Files.writeString(file, MOSQUITTO_EXAMPLE);
        AclFile loaded = AclFile.load(file);
        assertEquals(file.toString(), loaded.source());
        assertEquals(acl.ruleCount(), loaded.ruleCount());
        assertTrue(loaded.permissionsFor("roger", "c").mayPublish("foo/bar"));
    }
}
