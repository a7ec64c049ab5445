package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.minuteswarm.channel.Fixtures.NAME;
import static org.minuteswarm.channel.Fixtures.T0;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelIdentityTest {
    @TempDir
    Path dir;

    private Path keyFile() {
        return dir.resolve(ChannelIdentity.FILE_NAME);
    }

    private IOException assertUnreadable(byte[] content) throws IOException {
        Files.write(keyFile(), content);
        IOException e = assertThrows(IOException.class, () -> ChannelIdentity.loadOrCreate(dir));
        assertTrue(e.getMessage() != null && e.getMessage().contains(ChannelIdentity.FILE_NAME),
                "message names the key file: " + e.getMessage());
        return e;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void createsTheKeyFileOnFirstUse() throws IOException {
        Path nested = dir.resolve("data/channel-a");
        ChannelIdentity identity = ChannelIdentity.loadOrCreate(nested);
        Path file = nested.resolve(ChannelIdentity.FILE_NAME);
        assertTrue(Files.isRegularFile(file));
        assertEquals(List.of(ChannelIdentity.FILE_NAME),
                Files.list(nested).map(p -> p.getFileName().toString()).toList(), "no temp file left behind");
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertTrue(lines.get(0).startsWith("private "));
        assertTrue(lines.get(1).startsWith("public "));
        assertEquals(ChannelKey.LENGTH, identity.key().raw().length);
    }

    @Test
    void keyFileIsOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        ChannelIdentity.loadOrCreate(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
    }

    @Test
    void loadingAgainGivesTheSameChannel() throws IOException, ManifestException {
        ChannelIdentity first = ChannelIdentity.loadOrCreate(dir);
        byte[] before = Files.readAllBytes(keyFile());
        ChannelIdentity again = ChannelIdentity.loadOrCreate(dir);
        assertEquals(first.key(), again.key());
        assertEquals(first.key(), ChannelIdentity.loadOrCreate(dir).key());
        assertArrayEquals(before, Files.readAllBytes(keyFile()), "loading does not rewrite the file");
        // the private key came back too: what the reloaded identity signs verifies under the first key
        ChannelManifest m = Fixtures.manifest(NAME, first.key(), T0, 0, 1);
        SignedManifest s = again.sign(m);
        assertEquals(m, SignedManifest.verify(s.wire(), Fixtures.url(NAME, first.key())).manifest());
    }

    @Test
    void separateDirectoriesAreSeparateChannels() throws IOException {
        ChannelIdentity a = ChannelIdentity.loadOrCreate(dir.resolve("a"));
        ChannelIdentity b = ChannelIdentity.loadOrCreate(dir.resolve("b"));
        assertNotEquals(a.key(), b.key());
        assertNotEquals(ChannelIdentity.generate().key(), ChannelIdentity.generate().key());
    }

    @Test
    void emptyFile() throws IOException {
        assertUnreadable(new byte[0]);
    }

    @Test
    void missingOrMislabelledLines() throws IOException {
        KeyPair k = Fixtures.keyPair();
        String priv = b64(k.getPrivate().getEncoded());
        String pub = b64(k.getPublic().getEncoded());
        assertUnreadable(("private " + priv + "\n").getBytes(StandardCharsets.US_ASCII));
        assertUnreadable(("public " + pub + "\nprivate " + priv + "\n").getBytes(StandardCharsets.US_ASCII));
        assertUnreadable("hello\nworld\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void badBase64() throws IOException {
        assertUnreadable("private !!!not base64!!!\npublic ???\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void base64ThatIsNotAKey() throws IOException {
        String junk = b64("definitely not a DER encoded key".getBytes(StandardCharsets.US_ASCII));
        assertUnreadable(("private " + junk + "\npublic " + junk + "\n").getBytes(StandardCharsets.US_ASCII));
        assertUnreadable("private \npublic \n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void keysOfAnotherAlgorithm() throws Exception {
        KeyPair ec = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertUnreadable(("private " + b64(ec.getPrivate().getEncoded()) + "\npublic "
                + b64(ec.getPublic().getEncoded()) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void truncatedKeyFile() throws IOException {
        ChannelIdentity.loadOrCreate(dir);
        byte[] good = Files.readAllBytes(keyFile());
        // cut inside the public key's base64: a crash mid-write of a hand-copied file
        assertUnreadable(java.util.Arrays.copyOf(good, good.length - 10));
    }

    @Test
    void binaryGarbageGivesAClearMessage() throws IOException {
        assertUnreadable(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\n', (byte) 0x80});
    }

    @Test
    void mismatchedKeyPairIsRefused() throws IOException {
        KeyPair a = Fixtures.keyPair();
        KeyPair b = Fixtures.keyPair();
        assertUnreadable(("private " + b64(a.getPrivate().getEncoded()) + "\npublic "
                + b64(b.getPublic().getEncoded()) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aCorruptFileIsNeverReplacedByANewKey() throws IOException {
        Files.writeString(keyFile(), "garbage");
        assertThrows(IOException.class, () -> ChannelIdentity.loadOrCreate(dir));
        assertEquals("garbage", Files.readString(keyFile()), "the broadcaster's key file is left alone");
        assertFalse(Files.exists(dir.resolve(ChannelIdentity.FILE_NAME + ".tmp")));
    }
}
