package io.ternmq.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ternmq.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir
    Path dir;

    @Test
    void aGeneratedTokenIsRandomReadableByItsOwnerOnlyAndKeptAcrossStarts() throws Exception {
        AdminToken first = AdminToken.load(null, dir);
        Path file = dir.resolve(AdminToken.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertEquals(64, token.length());
        assertTrue(first.matches(token));
        assertFalse(first.matches(token.substring(1)));
        assertFalse(first.matches(null));
        assertTrue(AdminToken.load(null, dir).matches(token), "the next start reads the same token");
        Files.delete(file);
        AdminToken.load(null, dir);
        assertFalse(Files.readString(file).strip().equals(token), "a new token each time one is generated");
    }

    @Test
    void anOperatorsTokenFileIsUsedAndATooShortOneNamesTheKey() throws Exception {
        Path mine = Files.writeString(dir.resolve("token"), "  a-token-of-the-operators-own  \nsecond line\n");
        assertTrue(AdminToken.load(mine, dir).matches("a-token-of-the-operators-own"));
        assertFalse(Files.exists(dir.resolve(AdminToken.FILE)), "nothing generated");

        Path shortOne = Files.writeString(dir.resolve("short"), "abc\n");
        ConfigException e = assertThrows(ConfigException.class, () -> AdminToken.load(shortOne, dir));
        assertEquals("api.token-file", e.key());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> AdminToken.load(dir.resolve("absent"), dir));
        assertEquals("api.token-file", missing.key());
    }
}
