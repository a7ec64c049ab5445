package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.minuteswarm.channel.Fixtures.NAME;
import static org.minuteswarm.channel.Fixtures.T0;
import static org.minuteswarm.channel.Fixtures.bytes;
import static org.minuteswarm.channel.Fixtures.wire;

import java.security.KeyPair;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SignedManifestTest {
    private final KeyPair keys = Fixtures.keyPair();
    private final ChannelKey key = Fixtures.key(keys);
    private final ChannelUrl url = Fixtures.url(NAME, key);
    private final ChannelManifest manifest = Fixtures.manifest(NAME, key, T0, 100, 103);
    private final SignedManifest signed = SignedManifest.sign(manifest, keys.getPrivate());
    private final byte[] wire = signed.wire();

    private ManifestException assertRefused(byte[] bytes, ChannelUrl expected) {
        return assertThrows(ManifestException.class, () -> SignedManifest.verify(bytes, expected));
    }

    /** Like assertThrows, but a loop over hundreds of inputs reports which one failed. */
    private void assertRefusedAt(byte[] bytes, String where) {
        try {
            SignedManifest.verify(bytes, url);
            fail("accepted " + where);
        } catch (ManifestException expected) {
            // the only acceptable outcome
        } catch (RuntimeException e) {
            throw new AssertionError(where + " threw " + e, e);
        }
    }

    @Test
    void signThenVerify() throws ManifestException {
        SignedManifest verified = SignedManifest.verify(wire, url);
        assertEquals(manifest, verified.manifest());
        assertArrayEquals(wire, verified.wire());
        assertEquals(wire.length, verified.wireLength());
        assertEquals(signed, verified);
        assertEquals(signed.hashCode(), verified.hashCode());
    }

    @Test
    void wireIsTheTwoKeyDictionaryAndTheSignatureCoversTheCanonicalBody() throws Exception {
        Map<String, Object> outer = Bencode.decodeDictionary(wire);
        assertEquals(java.util.Set.of("manifest", "signature"), outer.keySet());
        byte[] body = (byte[]) outer.get("manifest");
        byte[] signature = (byte[]) outer.get("signature");
        assertArrayEquals(manifest.encode(), body);
        assertEquals(SignedManifest.SIGNATURE_LENGTH, signature.length);
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(keys.getPublic());
        s.update(body);
        assertTrue(s.verify(signature), "plain JDK Ed25519 verifies it");
        assertArrayEquals(wire(body, signature), wire, "canonical outer dictionary");
    }

    @Test
    void wireIsADefensiveCopy() throws ManifestException {
        byte[] copy = signed.wire();
        copy[copy.length - 2] ^= 1;
        assertArrayEquals(wire, signed.wire());
        byte[] input = wire.clone();
        SignedManifest verified = SignedManifest.verify(input, url);
        input[5] ^= 1;
        assertArrayEquals(wire, verified.wire());
    }

    @Test
    void identitySignsWhatVerifies() throws ManifestException {
        ChannelIdentity identity = ChannelIdentity.generate();
        ChannelManifest m = Fixtures.manifest(NAME, identity.key(), T0, 0, 1);
        SignedManifest s = identity.sign(m);
        assertEquals(m, SignedManifest.verify(s.wire(), Fixtures.url(NAME, identity.key())).manifest());
        assertThrows(IllegalArgumentException.class, () -> identity.sign(manifest), "names another key");
    }

    @Test
    void emptyWindowVerifies() throws ManifestException {
        ChannelManifest empty = Fixtures.manifest(NAME, key, T0, 1, 0);
        byte[] w = SignedManifest.sign(empty, keys.getPrivate()).wire();
        assertEquals(-1, SignedManifest.verify(w, url).manifest().latestSequence());
    }

    @Test
    void signedByAnotherKeyIsRefused() {
        KeyPair other = Fixtures.keyPair();
        byte[] forged = SignedManifest.sign(manifest, other.getPrivate()).wire();
        ManifestException e = assertRefused(forged, url);
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void everyAlteredBodyByteIsRefused() throws BencodeException {
        Map<String, Object> outer = Bencode.decodeDictionary(wire);
        byte[] body = (byte[]) outer.get("manifest");
        byte[] signature = (byte[]) outer.get("signature");
        for (int i = 0; i < body.length; i++) {
            for (int flip : new int[] {0x01, 0x80}) {
                byte[] altered = body.clone();
                altered[i] ^= (byte) flip;
                assertRefusedAt(wire(altered, signature), "body byte " + i + " ^ " + flip);
            }
        }
        assertRefusedAt(wire(Arrays.copyOf(body, body.length - 1), signature), "body shortened");
        assertRefusedAt(wire(Fixtures.concat(body, bytes("x")), signature), "body lengthened");
    }

    @Test
    void everyAlteredSignatureByteIsRefused() throws BencodeException {
        Map<String, Object> outer = Bencode.decodeDictionary(wire);
        byte[] body = (byte[]) outer.get("manifest");
        byte[] signature = (byte[]) outer.get("signature");
        for (int i = 0; i < signature.length; i++) {
            byte[] altered = signature.clone();
            altered[i] ^= 0x01;
            assertRefusedAt(wire(body, altered), "signature byte " + i);
        }
        assertRefusedAt(wire(body, new byte[64]), "zero signature");
        assertRefusedAt(wire(body, Arrays.copyOf(signature, 63)), "short signature");
        assertRefusedAt(wire(body, Arrays.copyOf(signature, 65)), "long signature");
        assertRefusedAt(wire(body, new byte[0]), "no signature");
    }

    @Test
    void everyAlteredWireByteIsRefused() {
        for (int i = 0; i < wire.length; i++) {
            byte[] altered = wire.clone();
            altered[i] ^= 0x01;
            assertRefusedAt(altered, "wire byte " + i);
        }
    }

    @Test
    void everyPrefixIsRefused() {
        for (int len = 0; len < wire.length; len++) {
            assertRefusedAt(Arrays.copyOf(wire, len), "prefix of length " + len);
        }
        assertRefusedAt(Fixtures.concat(wire, bytes("e")), "a trailing byte");
    }

    @Test
    void wrongChannelNameIsRefused() {
        ManifestException e = assertRefused(wire, Fixtures.url("other", key));
        assertTrue(e.getMessage().contains("other") && e.getMessage().contains(NAME), e.getMessage());
    }

    @Test
    void urlForAnotherKeyIsRefused() {
        ChannelKey other = Fixtures.key(Fixtures.keyPair());
        assertRefused(wire, Fixtures.url(NAME, other));
    }

    @Test
    void manifestNamingAnotherKeyThanTheUrlsIsRefused() {
        // Validly signed by the URL's key, but the document claims a different channel key.
        ChannelKey other = Fixtures.key(Fixtures.keyPair());
        ChannelManifest claimsOther = Fixtures.manifest(NAME, other, T0, 100, 103);
        byte[] w = SignedManifest.sign(claimsOther, keys.getPrivate()).wire();
        ManifestException e = assertRefused(w, url);
        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }

    @Test
    void validlySignedButNonCanonicalBodyIsRefused() throws BencodeException {
        TreeMap<String, Object> doc = Fixtures.mutableDocument(manifest.encode());
        doc.put("note", "signed, but not what encode() makes");
        byte[] body = Bencode.encode(doc);
        assertRefused(wire(body, Fixtures.signRaw(body, keys.getPrivate())), url);

        byte[] withLeadingZero = bytes(Fixtures.latin1(manifest.encode()).replace("6:formati1e", "6:formati01e"));
        assertRefused(wire(withLeadingZero, Fixtures.signRaw(withLeadingZero, keys.getPrivate())), url);

        byte[] notBencode = bytes("hello");
        assertRefused(wire(notBencode, Fixtures.signRaw(notBencode, keys.getPrivate())), url);
    }

    @Test
    void validlySignedUnknownFormatIsRefused() throws BencodeException {
        TreeMap<String, Object> doc = Fixtures.mutableDocument(manifest.encode());
        doc.put("format", 2L);
        byte[] body = Bencode.encode(doc);
        ManifestException e = assertRefused(wire(body, Fixtures.signRaw(body, keys.getPrivate())), url);
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }

    @Test
    void oversizeInputIsRefusedBeforeParsing() {
        ManifestException e = assertRefused(new byte[SignedManifest.MAX_BYTES + 1], url);
        assertTrue(e.getMessage().contains("larger"), e.getMessage());
        // a garbage document of exactly the limit gets past the size check and fails as bencoding
        e = assertRefused(new byte[SignedManifest.MAX_BYTES], url);
        assertTrue(e.getMessage().contains("bencoding"), e.getMessage());
    }

    @Test
    void validlySignedOversizeManifestIsRefused() {
        ChannelManifest huge = Fixtures.manifest(NAME, key, T0, 0, 12_000);
        byte[] w = SignedManifest.sign(huge, keys.getPrivate()).wire();
        assertTrue(w.length > SignedManifest.MAX_BYTES, "fixture is big enough: " + w.length);
        ManifestException e = assertRefused(w, url);
        assertTrue(e.getMessage().contains("larger"), e.getMessage());
    }

    @Test
    void outerDictionaryMustHoldExactlyManifestAndSignature() throws BencodeException {
        Map<String, Object> outer = new TreeMap<>(Bencode.decodeDictionary(wire));
        Map<String, Object> extra = new TreeMap<>(outer);
        extra.put("comment", "hello");
        assertRefused(Bencode.encode(extra), url);
        Map<String, Object> extraLast = new TreeMap<>(outer);
        extraLast.put("zzz", 1L);
        assertRefused(Bencode.encode(extraLast), url);

        Map<String, Object> renamed = new TreeMap<>();
        renamed.put("manifest", outer.get("manifest"));
        renamed.put("sig", outer.get("signature"));
        assertRefused(Bencode.encode(renamed), url);

        Map<String, Object> signatureAsNumber = new TreeMap<>();
        signatureAsNumber.put("manifest", outer.get("manifest"));
        signatureAsNumber.put("signature", 1L);
        assertRefused(Bencode.encode(signatureAsNumber), url);

        Map<String, Object> manifestAsDictionary = new TreeMap<>();
        manifestAsDictionary.put("manifest", Bencode.decodeDictionary((byte[]) outer.get("manifest")));
        manifestAsDictionary.put("signature", outer.get("signature"));
        assertRefused(Bencode.encode(manifestAsDictionary), url);

        assertRefused(Bencode.encode(java.util.List.of(outer.get("manifest"), outer.get("signature"))), url);
        assertRefused(Bencode.encode(Map.of("manifest", outer.get("manifest"))), url);
        assertRefused(bytes("de"), url);
    }

    @Test
    void aUrlKeyThatIsNotACurvePointIsARefusalNotACrash() {
        byte[] ff = new byte[32];
        Arrays.fill(ff, (byte) 0xff);
        for (byte[] raw : new byte[][] {ff, new byte[32]}) {
            ChannelUrl weird = Fixtures.url(NAME, ChannelKey.ofRaw(raw));
            assertRefused(wire, weird);
        }
    }

    @Test
    void differentDocumentsAreNotEqual() {
        ChannelManifest later = Fixtures.manifest(NAME, key, T0.plusSeconds(1), 100, 103);
        SignedManifest s2 = SignedManifest.sign(later, keys.getPrivate());
        assertNotEquals(signed, s2);
    }
}
