package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.auth.core.LoginTest.catchAuth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.AuthSettings.TokenEncryption;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.token.KeyMaterial;

/**
 * Encrypted access tokens (nested JWT, RFC 7519 §5.2): both modes round-trip, every refusal of
 * RFC 8725 §2.7–2.8, §3.1, §3.6, §3.11–3.12 holds as its own check (each test asserts the reason of
 * the one check it is about, so it fails if that check is removed), and encryption keys rotate like
 * signing keys and are never published.
 */
@DisplayName("encrypted access tokens")
class EncryptedTokensTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static ECKey recipient(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    }

    static Fixture direct() {
        return new Fixture(b -> b.keys(AuthSettings.Keys.builder().tokenEncryption(TokenEncryption.direct()).build()));
    }

    static Fixture ecdh(ECKey key) {
        return new Fixture(b -> b.keys(AuthSettings.Keys.builder()
                .tokenEncryption(TokenEncryption.ecdhEs(key.toJSONString())).build()));
    }

    static AuthException refusal(AuthService auth, String token) {
        AuthException e = catchAuth(() -> auth.validate(token));
        assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
        return e;
    }

    static SigningKey only(Fixture f, SigningAlgorithm alg) {
        return f.stores.signingKeys().findAll().stream().filter(k -> k.algorithm() == alg).reduce((a, b) -> b).orElseThrow();
    }

    static SecretKeySpec dirKey(Fixture f) {
        return new SecretKeySpec(only(f, SigningAlgorithm.DIR_A256GCM).privateKey(), "AES");
    }

    /** The signed token inside an encrypted one of the dir mode. */
    static String inner(Fixture f, String token) throws Exception {
        JWEObject jwe = JWEObject.parse(token);
        jwe.decrypt(new DirectDecrypter(dirKey(f)));
        return jwe.getPayload().toString();
    }

    static JWEHeader.Builder dirHeader(Fixture f) {
        return new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).contentType("JWT")
                .keyID(only(f, SigningAlgorithm.DIR_A256GCM).kid());
    }

    static String encrypt(JWEHeader header, String plaintext, com.nimbusds.jose.JWEEncrypter encrypter) throws Exception {
        JWEObject o = new JWEObject(header, new Payload(plaintext));
        o.encrypt(encrypter);
        return o.serialize();
    }

    /** {@code token} with one character of segment {@code index} changed to another base64url character. */
    static String tamper(String token, int index) {
        String[] s = token.split("\\.", -1);
        char[] c = s[index].toCharArray();
        int at = c.length / 2;
        c[at] = c[at] == 'A' ? 'B' : 'A';
        s[index] = new String(c);
        return String.join(".", s);
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {

        @Test
        @DisplayName("dir: the token is a JWE with alg dir, enc A256GCM and cty JWT around our signed token; it validates and refreshes")
        void direct() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw", "reader");
                TokenPair p = f.login("alice", "pw");
                assertThat(p.accessToken().split("\\.", -1)).hasSize(5);
                JWEHeader h = JWEObject.parse(p.accessToken()).getHeader();
                assertThat(h.getAlgorithm()).isEqualTo(JWEAlgorithm.DIR);
                assertThat(h.getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
                assertThat(h.getContentType()).isEqualTo("JWT");
                assertThat(h.getKeyID()).isEqualTo(only(f, SigningAlgorithm.DIR_A256GCM).kid());
                assertThat(new String(Base64.getUrlDecoder().decode(p.accessToken().split("\\.")[3]),
                        StandardCharsets.ISO_8859_1)).doesNotContain("alice");
                SignedJWT signed = SignedJWT.parse(inner(f, p.accessToken()));
                assertThat(signed.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
                assertThat(signed.getJWTClaimsSet().getStringClaim("preferred_username")).isEqualTo("alice");

                assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");
                TokenPair next = f.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT);
                assertThat(JWEObject.parse(next.accessToken()).getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.DIR);
                assertThat(f.auth.validate(next.accessToken()).sessionId()).isEqualTo(p.sessionId());
            }
        }

        @Test
        @DisplayName("ECDH-ES+A256KW: the recipient decrypts with its private key and verifies our signature; we validate too")
        void ecdhEs() throws Exception {
            ECKey key = recipient("svc-1");
            try (Fixture f = ecdh(key)) {
                f.addUser("alice", "pw");
                TokenPair p = f.login("alice", "pw");
                JWEObject jwe = JWEObject.parse(p.accessToken());
                assertThat(jwe.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.ECDH_ES_A256KW);
                assertThat(jwe.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
                assertThat(jwe.getHeader().getKeyID()).isEqualTo("svc-1");
                jwe.decrypt(new ECDHDecrypter(key));
                SignedJWT signed = jwe.getPayload().toSignedJWT();
                assertThat(signed.getJWTClaimsSet().getSubject()).isNotBlank();
                assertThat(f.auth.validate(p.accessToken()).username()).isEqualTo("alice");
                assertThat(f.auth.refresh(p.accessToken(), p.refreshToken(), Fixture.CLIENT).sessionId())
                        .isEqualTo(p.sessionId());
                SigningKey stored = only(f, SigningAlgorithm.ECDH_ES_A256KW);
                assertThat(stored.kid()).isEqualTo("svc-1");
                assertThat(stored.privateKey()).isEqualTo(key.toECPrivateKey().getEncoded());
            }
        }

        @Test
        @DisplayName("a repeat validation of an encrypted token is a cache hit: it is not decrypted again")
        void repeatIsHit() {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                TokenPair p = f.login("alice", "pw");
                var stats = Portcullis.validationStats(f.auth).orElseThrow();
                f.auth.validate(p.accessToken());
                long hits = stats.repeatCount();
                long firstSights = stats.firstSightCount();
                f.auth.validate(p.accessToken());
                f.auth.validate(p.accessToken());
                assertThat(stats.repeatCount()).isEqualTo(hits + 2);
                assertThat(stats.firstSightCount()).isEqualTo(firstSights);
            }
        }

        @Test
        @DisplayName("a second node on the same store decrypts the first node's tokens")
        void sharedStore() {
            try (Fixture f = EncryptedTokensTest.direct()) {
                AuthService node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                        .passwordHasher(Fixture.FAST).startCleanupJob(false).build();
                f.addUser("alice", "pw");
                TokenPair p = f.login("alice", "pw");
                assertThat(node2.validate(p.accessToken()).username()).isEqualTo("alice");
                node2.close();
            }
        }
    }

    @Nested
    @DisplayName("refused (RFC 8725 §2.7-2.8, §3.11)")
    class Refused {

        @Test
        @DisplayName("a signed token where an encrypted one is required")
        void jwsWhereJweRequired() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                assertThat(refusal(f.auth, signed).reason()).isEqualTo("not_encrypted");
            }
        }

        @Test
        @DisplayName("an encrypted token where a signed one is expected (encryption off)")
        void jweWhereJwsExpected() throws Exception {
            String encrypted;
            try (Fixture on = EncryptedTokensTest.direct()) {
                on.addUser("alice", "pw");
                encrypted = on.login("alice", "pw").accessToken();
            }
            try (Fixture off = new Fixture()) {
                assertThat(refusal(off.auth, encrypted).reason()).isEqualTo("unexpected_encryption");
            }
        }

        @Test
        @DisplayName("enc other than the key's pinned A256GCM, even one the key could decrypt (A128CBC-HS256)")
        void otherEnc() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128CBC_HS256).contentType("JWT")
                        .keyID(only(f, SigningAlgorithm.DIR_A256GCM).kid()).build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_alg_mismatch");
            }
        }

        @Test
        @DisplayName("alg other than the key's pinned ECDH-ES+A256KW, even one the key could decrypt (ECDH-ES)")
        void otherAlg() throws Exception {
            ECKey key = recipient("svc-1");
            try (Fixture f = ecdh(key)) {
                f.addUser("alice", "pw");
                JWEObject ours = JWEObject.parse(f.login("alice", "pw").accessToken());
                ours.decrypt(new ECDHDecrypter(key));
                JWEHeader h = new JWEHeader.Builder(JWEAlgorithm.ECDH_ES, EncryptionMethod.A256GCM).contentType("JWT")
                        .keyID("svc-1").build();
                String token = encrypt(h, ours.getPayload().toString(), new ECDHEncrypter(key.toECPublicKey()));
                assertThat(refusal(f.auth, token).reason()).isEqualTo("jwe_alg_mismatch");
            }
        }

        @Test
        @DisplayName("a zip header (compressed plaintext, RFC 8725 §3.6)")
        void zip() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = dirHeader(f).compressionAlgorithm(CompressionAlgorithm.DEF).build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_compressed");
            }
        }

        @Test
        @DisplayName("a crit header, in any form (RFC 7516 §4.1.13)")
        void crit() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = dirHeader(f).criticalParams(Set.of("exp")).customParam("exp", 1).build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_unknown_crit");
            }
        }

        @Test
        @DisplayName("a header member we do not write (a key in the header, jwk)")
        void unexpectedHeader() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = dirHeader(f).jwk(recipient("x").toPublicJWK()).build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_unexpected_header");
            }
        }

        @Test
        @DisplayName("cty missing: the plaintext is not declared a JWT (RFC 7519 §5.2)")
        void noCty() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                        .keyID(only(f, SigningAlgorithm.DIR_A256GCM).kid()).build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_not_nested_jwt");
            }
        }

        @Test
        @DisplayName("a plaintext that is not valid UTF-8 (RFC 8725 §3.7)")
        void plaintextNotUtf8() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                f.login("alice", "pw");
                JWEObject o = new JWEObject(dirHeader(f).build(), new Payload(new byte[] {(byte) 0xC3, 0x28, 0x2E}));
                o.encrypt(new DirectEncrypter(dirKey(f)));
                assertThat(refusal(f.auth, o.serialize()).reason()).isEqualTo("jwe_not_nested_jwt");
            }
        }

        @Test
        @DisplayName("a kid that names none of our encryption keys")
        void unknownKid() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                JWEHeader h = dirHeader(f).keyID("someone-else").build();
                assertThat(refusal(f.auth, encrypt(h, signed, new DirectEncrypter(dirKey(f)))).reason())
                        .isEqualTo("jwe_unknown_kid");
            }
        }

        @Test
        @DisplayName("an unsecured (alg none) token inside, under our own encryption key")
        void innerNone() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String signed = inner(f, f.login("alice", "pw").accessToken());
                String none = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8))
                        + "." + signed.split("\\.")[1] + ".";
                AuthException e = refusal(f.auth, encrypt(dirHeader(f).build(), none, new DirectEncrypter(dirKey(f))));
                assertThat(e.reason()).isEqualTo("malformed");
            }
        }

        @Test
        @DisplayName("a token inside signed by another key under our kid, under our own encryption key")
        void innerForeignSignature() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                SignedJWT ours = SignedJWT.parse(inner(f, f.login("alice", "pw").accessToken()));
                SigningKey other = KeyMaterial.generate(SigningAlgorithm.EdDSA, f.clock.instant());
                SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(new JOSEObjectType("at+jwt"))
                        .keyID(ours.getHeader().getKeyID()).build(), ours.getJWTClaimsSet());
                forged.sign(KeyMaterial.prepare(other).signer().orElseThrow());
                AuthException e = refusal(f.auth, encrypt(dirHeader(f).build(), forged.serialize(),
                        new DirectEncrypter(dirKey(f))));
                assertThat(e.reason()).isEqualTo("bad_signature");
            }
        }

        @Test
        @DisplayName("an encrypted token inside an encrypted token")
        void doubleEncryption() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String token = f.login("alice", "pw").accessToken();
                String twice = encrypt(dirHeader(f).build(), token, new DirectEncrypter(dirKey(f)));
                assertThat(twice.length()).isLessThan(f.settings.maxTokenBytes());
                assertThat(refusal(f.auth, twice).reason()).isEqualTo("malformed");
            }
        }

        @Test
        @DisplayName("a changed authentication tag")
        void tag() throws Exception {
            tamperedDir(4);
        }

        @Test
        @DisplayName("a changed IV")
        void iv() throws Exception {
            tamperedDir(2);
        }

        @Test
        @DisplayName("a changed ciphertext")
        void ciphertext() throws Exception {
            tamperedDir(3);
        }

        private void tamperedDir(int segment) throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String token = f.login("alice", "pw").accessToken();
                assertThat(refusal(f.auth, tamper(token, segment)).reason()).isEqualTo("jwe_bad_encryption");
                assertThat(f.auth.validate(token).username()).isEqualTo("alice");
            }
        }

        @Test
        @DisplayName("a changed encrypted key (ECDH-ES+A256KW)")
        void encryptedKey() throws Exception {
            try (Fixture f = ecdh(recipient("svc-1"))) {
                f.addUser("alice", "pw");
                String token = f.login("alice", "pw").accessToken();
                assertThat(refusal(f.auth, tamper(token, 1)).reason()).isEqualTo("jwe_bad_encryption");
            }
        }

        @Test
        @DisplayName("an encrypted key where dir has none")
        void encryptedKeyWithDir() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String[] s = f.login("alice", "pw").accessToken().split("\\.", -1);
                s[1] = B64.encodeToString(new byte[40]);
                assertThat(refusal(f.auth, String.join(".", s)).reason()).isEqualTo("jwe_malformed");
            }
        }

        @Test
        @DisplayName("a changed protected header (it is the additional authenticated data, RFC 7516 §5.1)")
        void header() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String[] s = f.login("alice", "pw").accessToken().split("\\.", -1);
                String json = new String(Base64.getUrlDecoder().decode(s[0]), StandardCharsets.UTF_8);
                s[0] = B64.encodeToString(json.replace("{", "{\"typ\":\"JWT\",").getBytes(StandardCharsets.UTF_8));
                assertThat(refusal(f.auth, String.join(".", s)).reason()).isEqualTo("jwe_bad_encryption");
            }
        }

        @Test
        @DisplayName("an ECDH-ES ephemeral key that is not on P-256 (invalid-curve attack, RFC 8725 §2.5)")
        void invalidCurve() throws Exception {
            try (Fixture f = ecdh(recipient("svc-1"))) {
                f.addUser("alice", "pw");
                String[] s = f.login("alice", "pw").accessToken().split("\\.", -1);
                String json = new String(Base64.getUrlDecoder().decode(s[0]), StandardCharsets.UTF_8);
                ECKey epk = JWEHeader.parse(json).getEphemeralPublicKey().toECKey();
                // The same x with y + 1: a point off the curve.
                byte[] y = epk.getY().decode();
                y[y.length - 1]++;
                String offCurve = json.replace(epk.getY().toString(), B64.encodeToString(y));
                assertThat(offCurve).isNotEqualTo(json);
                s[0] = B64.encodeToString(offCurve.getBytes(StandardCharsets.UTF_8));
                assertThat(refusal(f.auth, String.join(".", s)).reason()).isIn("jwe_malformed", "jwe_bad_encryption");
            }
        }

        @Test
        @DisplayName("non-canonical base64url in a segment")
        void nonCanonical() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct()) {
                f.addUser("alice", "pw");
                String token = f.login("alice", "pw").accessToken();
                assertThat(refusal(f.auth, token.replaceFirst("\\.", "=.")).reason()).isIn("jwe_malformed", "malformed");
                String[] s = token.split("\\.", -1);
                s[2] = s[2] + "==";
                assertThat(refusal(f.auth, String.join(".", s)).reason()).isIn("jwe_malformed", "malformed");
            }
        }
    }

    @Nested
    @DisplayName("keys")
    class Keys {

        @Test
        @DisplayName("dir keys rotate on the signing schedule; a token encrypted under the previous key validates until it expires")
        void rotation() throws Exception {
            Duration interval = Duration.ofDays(30);
            try (Fixture f = new Fixture(b -> b.keys(AuthSettings.Keys.builder().rotationInterval(interval)
                    .tokenEncryption(TokenEncryption.direct()).build()))) {
                f.addUser("alice", "pw");
                TokenPair first = f.login("alice", "pw");
                String firstKid = JWEObject.parse(first.accessToken()).getHeader().getKeyID();
                Duration lead = f.settings.keys().publishLead(f.settings.keyReloadInterval());

                f.clock.advance(interval.minus(lead));
                TokenPair beforeSwitch = f.login("alice", "pw");
                assertThat(JWEObject.parse(beforeSwitch.accessToken()).getHeader().getKeyID()).isEqualTo(firstKid);
                List<SigningKey> enc = f.stores.signingKeys().findAll().stream()
                        .filter(k -> k.algorithm() == SigningAlgorithm.DIR_A256GCM).toList();
                assertThat(enc).hasSize(2);
                SigningKey next = enc.get(1);
                assertThat(next.kid()).startsWith("e");
                assertThat(Duration.between(next.createdAt(), next.activatesAt())).isEqualTo(lead);

                f.clock.setInstant(next.activatesAt());
                TokenPair after = f.login("alice", "pw");
                assertThat(JWEObject.parse(after.accessToken()).getHeader().getKeyID()).isEqualTo(next.kid());
                // The previous key's last token is still good until its own expiry.
                assertThat(f.auth.validate(beforeSwitch.accessToken()).sessionId()).isEqualTo(beforeSwitch.sessionId());
                // A node that never saw the token (no cache) decrypts it with the retired key, a minute before it expires.
                f.clock.setInstant(beforeSwitch.expiresAt().minusSeconds(60));
                try (AuthService fresh = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                        .passwordHasher(Fixture.FAST).startCleanupJob(false).build()) {
                    assertThat(fresh.validate(beforeSwitch.accessToken()).sessionId()).isEqualTo(beforeSwitch.sessionId());
                }
                f.clock.advance(f.settings.accessTokenLifetime().plus(f.settings.clockSkew()));
                assertThat(catchAuth(() -> f.auth.validate(beforeSwitch.accessToken())).code())
                        .isEqualTo(ErrorCode.TOKEN_EXPIRED);
            }
        }

        @Test
        @DisplayName("a new ECDH-ES recipient key replaces the old one for new tokens; the old one's tokens still validate")
        void recipientKeyChange() throws Exception {
            ECKey k1 = recipient("svc-1");
            ECKey k2 = recipient("svc-2");
            try (Fixture f = ecdh(k1)) {
                f.addUser("alice", "pw");
                TokenPair old = f.login("alice", "pw");
                AuthService node2 = Portcullis.builder().stores(f.stores).clock(f.clock)
                        .settings(f.settings.toBuilder().keys(AuthSettings.Keys.builder()
                                .tokenEncryption(TokenEncryption.ecdhEs(k2.toJSONString())).build()).build())
                        .passwordHasher(Fixture.FAST).startCleanupJob(false).build();
                f.clock.advance(Duration.ofSeconds(1));
                TokenPair fresh = node2.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT);
                assertThat(JWEObject.parse(fresh.accessToken()).getHeader().getKeyID()).isEqualTo("svc-2");
                assertThat(node2.validate(old.accessToken()).sessionId()).isEqualTo(old.sessionId());
                // The node still configured with the old key follows the store and encrypts to the new one.
                f.clock.advance(f.settings.keyReloadInterval());
                assertThat(JWEObject.parse(f.login("alice", "pw").accessToken()).getHeader().getKeyID()).isEqualTo("svc-2");
                node2.close();
            }
        }

        @Test
        @DisplayName("an emergency revocation of an encryption key refuses, at once on this node, a token under it that this node has not validated yet")
        void revokeEncryptionKey() throws Exception {
            try (Fixture f = EncryptedTokensTest.direct();
                 AuthService node2 = Portcullis.builder().stores(f.stores).clock(f.clock).settings(f.settings)
                         .passwordHasher(Fixture.FAST).startCleanupJob(false).build()) {
                f.addUser("alice", "pw");
                TokenPair p = node2.login(new org.portcullis.auth.api.PasswordCredential("alice", "pw"), Fixture.CLIENT);
                String encKid = JWEObject.parse(p.accessToken()).getHeader().getKeyID();
                f.auth.validate(f.login("alice", "pw").accessToken());
                assertThat(f.auth.revokeSigningKey(encKid, "test")).isTrue();
                assertThat(refusal(f.auth, p.accessToken()).reason()).isEqualTo("jwe_unknown_kid");
                // New tokens are encrypted under a new key.
                String fresh = f.login("alice", "pw").accessToken();
                assertThat(JWEObject.parse(fresh).getHeader().getKeyID()).isNotEqualTo(encKid);
                assertThat(f.auth.validate(fresh).username()).isEqualTo("alice");
            }
        }

        @Test
        @DisplayName("with encryption on, the JWK Set holds the signing key only, never an encryption key")
        void neverPublished() throws Exception {
            for (TokenEncryption te : List.of(TokenEncryption.direct(), TokenEncryption.ecdhEs(recipient("svc-1").toJSONString()))) {
                try (Fixture f = new Fixture(b -> b.keys(AuthSettings.Keys.builder().publishJwks(true).tokenEncryption(te).build()))) {
                    f.addUser("alice", "pw");
                    f.login("alice", "pw");
                    SigningKey signing = only(f, SigningAlgorithm.RS256);
                    assertThat(f.stores.signingKeys().findAll()).hasSize(2);
                    assertThat(f.auth.publishedKeys().keyIds()).containsExactly(signing.kid());
                    assertThat(f.auth.publishedKeys().json()).doesNotContain("\"enc\"", "\"oct\"", "\"EC\"", "svc-1");
                }
            }
        }

        @Test
        @DisplayName("settings refuse a recipient key without its private part, off P-256, or an encryption algorithm for signing")
        void badSettings() throws Exception {
            ECKey k = recipient("svc-1");
            assertThatThrownBy(() -> ecdh(k.toPublicJWK())).hasMessageContaining("private part");
            ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
            assertThatThrownBy(() -> ecdh(p384)).hasMessageContaining("P-256");
            assertThatThrownBy(() -> TokenEncryption.ecdhEs(" ")).hasMessageContaining("keys.tokenEncryption");
            assertThatThrownBy(() -> AuthSettings.builder().signingAlgorithm(SigningAlgorithm.DIR_A256GCM).build())
                    .hasMessageContaining("signingAlgorithm");
            assertThat(TokenEncryption.ecdhEs(k.toJSONString()).toString()).doesNotContain(k.getD().toString());
        }
    }
}
