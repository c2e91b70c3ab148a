package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.core.EncryptedTokensTest.dirHeader;
import static org.portcullis.auth.core.EncryptedTokensTest.dirKey;
import static org.portcullis.auth.core.EncryptedTokensTest.inner;
import static org.portcullis.auth.core.EncryptedTokensTest.refusal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import com.nimbusds.jose.JWEObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.TokenPair;

/**
 * Findings of the review of encrypted access tokens: the A256GCM sizes of RFC 7518 §5.3, and an
 * encryption key's revocation on a token this node already holds in its token cache.
 */
@DisplayName("encrypted access tokens: review findings")
class EncryptedTokenReviewTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    @Test
    @DisplayName("a token whose last ciphertext byte is moved into the tag (17-byte tag) is refused: "
            + "another string for the same token (RFC 7518 §5.3: the A256GCM tag is 128 bits)")
    void ciphertextByteMovedIntoTag() {
        try (Fixture f = EncryptedTokensTest.direct()) {
            f.addUser("alice", "pw");
            String token = f.login("alice", "pw").accessToken();
            String[] s = token.split("\\.", -1);
            byte[] ct = UNB64.decode(s[3]);
            byte[] tag = UNB64.decode(s[4]);
            byte[] longerTag = new byte[tag.length + 1];
            longerTag[0] = ct[ct.length - 1];
            System.arraycopy(tag, 0, longerTag, 1, tag.length);
            s[3] = B64.encodeToString(Arrays.copyOf(ct, ct.length - 1));
            s[4] = B64.encodeToString(longerTag);
            String moved = String.join(".", s);
            assertThat(moved).isNotEqualTo(token);
            assertThat(refusal(f.auth, moved).reason()).isEqualTo("jwe_malformed");
            assertThat(f.auth.validate(token).username()).isEqualTo("alice");
        }
    }

    @Test
    @DisplayName("a token encrypted under our dir key with a 128-bit IV is refused (RFC 7518 §5.3: a 96-bit IV is required)")
    void ivOfAnotherSize() throws Exception {
        try (Fixture f = EncryptedTokensTest.direct()) {
            f.addUser("alice", "pw");
            String signed = inner(f, f.login("alice", "pw").accessToken());
            String header = dirHeader(f).build().toBase64URL().toString();
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, dirKey(f), new GCMParameterSpec(128, iv));
            // RFC 7516 §5.1 step 14: the additional data is the ASCII of the encoded protected header.
            gcm.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] out = gcm.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
            String token = header + ".." + B64.encodeToString(iv) + "."
                    + B64.encodeToString(Arrays.copyOf(out, out.length - 16)) + "."
                    + B64.encodeToString(Arrays.copyOfRange(out, out.length - 16, out.length));
            assertThat(refusal(f.auth, token).reason()).isEqualTo("jwe_malformed");
        }
    }

    @Test
    @DisplayName("revoking the encryption key refuses at once a token this node issued and validated (a token-cache hit)")
    void revokedEncryptionKeyOnCacheHit() throws Exception {
        try (Fixture f = EncryptedTokensTest.direct()) {
            f.addUser("alice", "pw");
            TokenPair p = f.login("alice", "pw");
            var stats = Portcullis.validationStats(f.auth).orElseThrow();
            f.auth.validate(p.accessToken());
            long hits = stats.repeatCount();
            f.auth.validate(p.accessToken());
            assertThat(stats.repeatCount()).isEqualTo(hits + 1);
            String encKid = JWEObject.parse(p.accessToken()).getHeader().getKeyID();
            assertThat(f.auth.revokeSigningKey(encKid, "test")).isTrue();
            assertThat(refusal(f.auth, p.accessToken()).reason()).isEqualTo("jwe_unknown_kid");
        }
    }
}
