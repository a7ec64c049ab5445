package org.minuteswarm.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The broadcaster's Ed25519 key pair, made on the first broadcast and kept in the data dir
 * ({@code channel.key}, owner-only) so that a restart continues the same channel.
 */
public final class ChannelIdentity {
    public static final String FILE_NAME = "channel.key";
    private final KeyPair keys;

    private ChannelIdentity(KeyPair keys) {
        this.keys = keys;
    }

    public static ChannelIdentity generate() {
        try {
            return new ChannelIdentity(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
    }

    /** Loads {@code dir/channel.key}, or makes and saves a new key pair if there is none. */
    public static ChannelIdentity loadOrCreate(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        ChannelIdentity identity = generate();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            // owner-only from the first byte: the private key is never readable by others
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.writeString(tmp, "private " + Base64.getEncoder().encodeToString(identity.keys.getPrivate().getEncoded())
                + "\npublic " + Base64.getEncoder().encodeToString(identity.keys.getPublic().getEncoded()) + "\n",
                StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return identity;
    }

    private static ChannelIdentity load(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException("unreadable channel key file " + file + ": not text");
        }
        try {
            if (lines.size() < 2 || !lines.get(0).startsWith("private ") || !lines.get(1).startsWith("public ")) {
                throw new IOException("unreadable channel key file " + file);
            }
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(lines.get(0).substring(8).trim())));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(
                    Base64.getDecoder().decode(lines.get(1).substring(7).trim())));
            ChannelIdentity identity = new ChannelIdentity(new KeyPair(pub, priv));
            if (!identity.holdsMatchingPair()) {
                throw new IOException("unreadable channel key file " + file + ": its private and public keys do not match");
            }
            return identity;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("unreadable channel key file " + file + ": " + e.getMessage());
        }
    }

    /** Signs a probe and verifies it: a file whose two halves are from different pairs is refused. */
    private boolean holdsMatchingPair() {
        try {
            byte[] probe = "minuteswarm key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(keys.getPublic());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public ChannelKey key() {
        return ChannelKey.of(keys.getPublic());
    }

    public SignedManifest sign(ChannelManifest manifest) {
        if (!manifest.key().equals(key())) {
            throw new IllegalArgumentException("manifest names another channel key");
        }
        return SignedManifest.sign(manifest, keys.getPrivate());
    }
}
