package org.portcullis.auth.core.internal.token;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.Base64URL;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.SigningAlgorithm;
import org.portcullis.auth.api.SigningKey;
import org.portcullis.auth.api.SigningKeyStore;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * The encryption layer of a nested access token (RFC 7519 §5.2, §A.2): the signed token is the
 * plaintext of a JWE compact serialisation (RFC 7516 §7.1) with {@code cty: "JWT"} and
 * {@code enc: A256GCM}, under one of the encryption keys of a {@link KeyRing} that reads only those
 * keys ({@link SigningKeyView#encryption}). The keys are {@code dir} keys generated in the store and
 * rotated on the signing schedule, or one configured ECDH-ES recipient key on P-256, copied into the
 * store on first use.
 *
 * <p>Opening a token refuses, as an invalid token, everything but our own spelling (RFC 8725 §2.7–2.8,
 * §3.1, §3.11): a header member outside {@link #HEADER_MEMBERS} (so {@code zip}, RFC 8725 §3.6, and
 * {@code crit}, RFC 7516 §4.1.13, in any form, and keys or key URLs in the header); an {@code alg} or
 * {@code enc} other than the named key's pinned pair; a missing {@code cty: JWT}; an encrypted key where
 * {@code dir} has none (RFC 7518 §4.5) or none where ECDH-ES+A256KW needs one; and any change to the
 * protected header, encrypted key, IV, ciphertext or tag (the A256GCM tag authenticates the header as
 * its additional data, RFC 7516 §5.1 step 14 and §5.2). The plaintext it returns is only a candidate: the caller
 * checks it as a signed token of ours (RFC 8725 §3.3: every layer of a nested JWT is validated).
 *
 * <p>Thread-safe.
 */
public final class NestedJwe {

    /**
     * The only protected-header members we accept (RFC 7516 §4.1, RFC 7518 §4.6.1): what nimbus writes
     * for our two modes, and {@code typ}. Anything else is refused rather than ignored.
     */
    static final Set<String> HEADER_MEMBERS = Set.of("alg", "enc", "kid", "cty", "typ", "epk", "apu", "apv");

    private final KeyRing ring;
    private final SigningKeyStore view;
    private final Clock clock;
    /** The configured ECDH-ES recipient key, stored on first use; empty for {@code dir}. */
    private final Optional<SigningKey> recipient;
    private final Duration verifyAfterRetire;
    private final Object importLock = new Object();
    private volatile boolean imported;

    private NestedJwe(KeyRing ring, SigningKeyView view, Clock clock, Optional<SigningKey> recipient,
                      Duration verifyAfterRetire) {
        this.ring = ring;
        this.view = view;
        this.clock = clock;
        this.recipient = recipient;
        this.verifyAfterRetire = verifyAfterRetire;
        this.imported = recipient.isEmpty();
    }

    /**
     * {@code dir} + {@code A256GCM}: content keys generated in {@code store} on first use and rotated
     * on {@code schedule}, like signing keys (kids of scheduled keys start with {@code e}).
     */
    public static NestedJwe direct(SigningKeyStore store, Clock clock, Duration reloadInterval,
                                   KeyRing.Schedule schedule, Consumer<SigningKey> onGenerated) {
        SigningKeyView view = SigningKeyView.encryption(store, SigningAlgorithm.DIR_A256GCM);
        KeyRing ring = new KeyRing(view, clock, reloadInterval, SigningAlgorithm.DIR_A256GCM, onGenerated, schedule, "e");
        return new NestedJwe(ring, view, clock, Optional.empty(), Duration.ZERO);
    }

    /**
     * {@code ECDH-ES+A256KW} + {@code A256GCM} to the recipient key {@code recipientJwk} (a P-256 EC JWK
     * with its private part). On first use the key is stored (sealed at rest by the store) and the
     * recipient keys stored before it stop encrypting, decrypting for {@code verifyAfterRetire} more.
     *
     * @throws IllegalArgumentException naming {@code keys.tokenEncryption} when the JWK is not such a key
     */
    public static NestedJwe ecdhEs(SigningKeyStore store, Clock clock, Duration reloadInterval, String recipientJwk,
                                   Duration verifyAfterRetire, Consumer<SigningKey> onGenerated) {
        SigningKey key = recipientKey(recipientJwk, clock.instant());
        SigningKeyView view = SigningKeyView.encryption(store, SigningAlgorithm.ECDH_ES_A256KW);
        KeyRing ring = new KeyRing(view, clock, reloadInterval, SigningAlgorithm.ECDH_ES_A256KW, onGenerated,
                KeyRing.Schedule.none(), "e");
        return new NestedJwe(ring, view, clock, Optional.of(key), verifyAfterRetire);
    }

    /** The ring of encryption keys, for revocation and tests. */
    public KeyRing keys() {
        return ring;
    }

    /**
     * Encrypts the signed token {@code jws} under the current encryption key.
     *
     * @throws StoreUnavailableException when the key store cannot be read or no key may encrypt
     */
    public String seal(String jws) {
        ensureImported();
        KeyMaterial.Prepared key = ring.signingKey();
        KeyMaterial.Jwe jwe = key.jwe().orElseThrow(() -> new StoreUnavailableException(
                "key " + key.key().kid() + " is not an encryption key"));
        // RFC 7519 §5.2: cty "JWT" says that the plaintext is itself a JWT.
        JWEHeader header = new JWEHeader.Builder(jwe.algorithm(), jwe.method()).contentType("JWT")
                .keyID(key.key().kid()).build();
        JWEObject object = new JWEObject(header, new Payload(jws));
        try {
            object.encrypt(jwe.encrypter());
        } catch (JOSEException e) {
            throw new StoreUnavailableException("encryption failed with key " + key.key().kid(), e);
        }
        return object.serialize();
    }

    /**
     * Decrypts an encrypted token of ours and returns its plaintext, the candidate signed token.
     *
     * @throws AuthException {@link ErrorCode#TOKEN_INVALID} for anything but an intact JWE under one of our keys
     */
    public String open(String token) {
        CompactJws.JweParts parts;
        try {
            parts = CompactJws.splitJwe(token);
        } catch (CompactJws.Refused e) {
            throw invalid("malformed");
        }
        Set<String> names = parts.headerNames();
        // RFC 7516 §4.1.13 (via RFC 7515 §4.1.11): we understand no extension, so crit in any form is refused.
        if (names.contains("crit")) {
            throw invalid("unknown_crit");
        }
        // RFC 8725 §3.6 (and §2.4): compressed plaintext leaks its content through the ciphertext length.
        if (names.contains("zip")) {
            throw invalid("compressed");
        }
        if (!HEADER_MEMBERS.containsAll(names)) {
            throw invalid("unexpected_header");
        }
        JWEObject object;
        try {
            object = new JWEObject(new Base64URL(parts.header()),
                    parts.encryptedKey().isEmpty() ? null : new Base64URL(parts.encryptedKey()),
                    new Base64URL(parts.iv()), new Base64URL(parts.ciphertext()), new Base64URL(parts.tag()));
        } catch (ParseException | RuntimeException e) {
            throw invalid("malformed");
        }
        JWEHeader h = object.getHeader();
        // RFC 7519 §5.2 and RFC 8725 §3.11: the plaintext must say it is a JWT; we never guess.
        if (h.getContentType() == null || !"JWT".equalsIgnoreCase(h.getContentType())) {
            throw invalid("not_nested_jwt");
        }
        String kid = h.getKeyID();
        if (kid == null) {
            throw invalid("no_kid");
        }
        KeyMaterial.Jwe jwe = ring.verifier(kid).flatMap(KeyMaterial.Prepared::jwe)
                .orElseThrow(() -> invalid("unknown_kid"));
        // RFC 8725 §3.1: the key's pinned alg and enc, never the ones the header asks for.
        if (!jwe.algorithm().equals(h.getAlgorithm()) || !jwe.method().equals(h.getEncryptionMethod())) {
            throw invalid("alg_mismatch");
        }
        // RFC 7518 §4.5: with dir the encrypted key is empty; key wrapping (§4.6) always has one.
        boolean direct = jwe.algorithm().equals(JWEAlgorithm.DIR);
        if (direct != parts.encryptedKey().isEmpty()) {
            throw invalid("malformed");
        }
        // RFC 7518 §5.3: A256GCM (the enc pinned above) takes a 96-bit IV and a 128-bit tag, 16 and 22
        // characters here (canonical already). nimbus joins ciphertext and tag before decrypting and
        // checks neither size, so without this a byte moved from the ciphertext into the tag is
        // another string that decrypts to the same token.
        if (parts.iv().length() != 16 || parts.tag().length() != 22) {
            throw invalid("malformed");
        }
        JWEDecrypter decrypter = jwe.decrypter().orElseThrow(() -> invalid("cannot_decrypt"));
        try {
            object.decrypt(decrypter);
        } catch (JOSEException | RuntimeException e) {
            // A changed header, key, IV, ciphertext or tag, or an ephemeral key off the curve
            // (RFC 8725 §2.5, §3.4): nimbus says which; the client learns only that the token is invalid.
            throw invalid("bad_encryption");
        }
        try {
            return CompactJws.utf8(object.getPayload().toBytes());
        } catch (CompactJws.Refused e) {
            throw invalid("not_nested_jwt");
        }
    }

    private static AuthException invalid(String reason) {
        return AuthException.of(ErrorCode.TOKEN_INVALID, "jwe_" + reason);
    }

    /**
     * Stores the configured recipient key once per node (a conditional insert, so all nodes agree on one
     * row) and retires the recipient keys activated before it: they stop encrypting now and go on
     * decrypting the tokens they encrypted for {@code verifyAfterRetire}. A node still configured with
     * an older key retires nothing newer, and encrypts with the newest key in the store like every node.
     */
    private void ensureImported() {
        if (imported) {
            return;
        }
        synchronized (importLock) {
            if (imported) {
                return;
            }
            SigningKey configured = recipient.orElseThrow();
            Instant now = clock.instant();
            SigningKey fresh = new SigningKey(configured.kid(), configured.algorithm(), configured.publicKey(),
                    configured.privateKey(), now, now, Optional.empty(), Optional.empty());
            view.create(fresh);
            SigningKey stored = view.findAll().stream().filter(k -> k.kid().equals(configured.kid())).findFirst()
                    .orElseThrow(() -> new StoreUnavailableException("the key store did not keep the token-encryption key"));
            if (!Arrays.equals(stored.publicKey(), configured.publicKey())) {
                throw new StoreUnavailableException("the key store holds another token-encryption key under kid "
                        + configured.kid() + "; give the configured key another kid");
            }
            for (SigningKey k : view.findAll()) {
                if (!k.kid().equals(stored.kid()) && k.retiresAt().isEmpty() && k.activatesAt().isBefore(stored.activatesAt())) {
                    view.update(k.retire(now, now.plus(verifyAfterRetire)));
                }
            }
            ring.reloadNow();
            imported = true;
        }
    }

    /** The configured recipient JWK as a stored key: X.509 and PKCS#8 encodings, kid from the JWK or its thumbprint. */
    private static SigningKey recipientKey(String json, Instant now) {
        String setting = "keys.tokenEncryption: ";
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException(setting + "the recipient key is not a JSON Web Key");
        }
        if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
            throw new IllegalArgumentException(setting + "the recipient key must be an EC key on P-256");
        }
        if (!ec.isPrivate()) {
            throw new IllegalArgumentException(setting + "the recipient key must include its private part (d): "
                    + "Portcullis nodes decrypt the tokens they validate and refresh");
        }
        if (ec.getKeyUse() != null && !KeyUse.ENCRYPTION.equals(ec.getKeyUse())) {
            throw new IllegalArgumentException(setting + "the recipient key's use must be enc");
        }
        if (ec.getAlgorithm() != null && !SigningAlgorithm.ECDH_ES_A256KW.jwsName().equals(ec.getAlgorithm().getName())) {
            throw new IllegalArgumentException(setting + "the recipient key's alg must be ECDH-ES+A256KW");
        }
        try {
            // RFC 7638: a kid every node derives alike when the JWK names none.
            String kid = ec.getKeyID() != null ? ec.getKeyID() : ec.computeThumbprint().toString();
            return new SigningKey(kid, SigningAlgorithm.ECDH_ES_A256KW, ec.toECPublicKey().getEncoded(),
                    ec.toECPrivateKey().getEncoded(), now, now, Optional.empty(), Optional.empty());
        } catch (JOSEException e) {
            throw new IllegalArgumentException(setting + "the recipient key does not decode");
        }
    }
}
