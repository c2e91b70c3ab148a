package org.portcullis.auth.core.internal.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.StoreUnavailableException;

/**
 * Issues and checks access tokens: JWS compact serialisation, {@code typ: at+jwt} (RFC 9068 §2.1),
 * claims iss, aud, sub, sid, jti, iat, nbf, exp, preferred_username, roles.
 *
 * <p>Checking follows RFC 8725 (JWT Best Current Practices): size capped before parsing; only
 * signed compact JWS, in its one canonical spelling ({@link CompactJws}: base64url without padding,
 * UTF-8 per §3.7, strict JSON without duplicate members); the {@code kid} must name one of our own keys and the {@code alg} must be
 * that key's pinned algorithm (§3.1, which also rules out {@code none} and HMAC/public-key
 * confusion); {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} headers are never used, and a
 * token carrying them is refused; a {@code crit} header in any form is refused because we
 * understand no extension (RFC 7515 §4.1.11); {@code exp - iat} may not exceed the access-token
 * lifetime plus the skew; {@code typ} is checked to keep other JWTs out (§3.11);
 * iss and aud are checked (§3.8, §3.9); exp and nbf with a bounded skew (RFC 7519 §4.1.4, §4.1.5).
 *
 * <p>With encryption on ({@link NestedJwe}), a token is signed as above and then encrypted, and only
 * encrypted tokens are accepted; with it off, only signed ones. The two kinds are told apart by their
 * number of segments before anything else, and never both accepted by one node (RFC 8725 §3.12, §2.8).
 *
 * <p>Thread-safe.
 */
public final class AccessTokens {

    public static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid",
            "preferred_username", "roles", "typ", "client_id", "scope");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing keys;
    /** Present when access tokens are encrypted. */
    private final Optional<NestedJwe> encryption;
    private final AuthSettings settings;
    private final Clock clock;
    /** The longest exp − iat accepted: the access-token lifetime plus the skew, in whole seconds. */
    private final Duration longestLifetime;

    public AccessTokens(KeyRing keys, AuthSettings settings, Clock clock) {
        this(keys, Optional.empty(), settings, clock);
    }

    /** @param encryption present to encrypt every token issued and to accept only encrypted ones */
    public AccessTokens(KeyRing keys, Optional<NestedJwe> encryption, AuthSettings settings, Clock clock) {
        this.keys = keys;
        this.encryption = encryption;
        this.settings = settings;
        this.clock = clock;
        Duration most = settings.accessTokenLifetime().plus(settings.clockSkew());
        // Rounded up to whole seconds: iat and exp are truncated to seconds one by one at issue.
        this.longestLifetime = most.getNano() == 0 ? most : Duration.ofSeconds(most.getSeconds() + 1);
    }

    /**
     * A freshly signed token and its claims.
     *
     * @param verified what {@link #verify} will read from {@code token}, known without verifying it
     *                 because we just signed exactly that; empty when the token carries extra
     *                 claims (their JSON round trip may change their Java types)
     */
    public record Issued(String token, Instant issuedAt, Instant expiresAt, Optional<Verified> verified) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + ", token=***]";
        }
    }

    /** What a verified token says, and the key that signed it. */
    public record Verified(AuthPrincipal principal, Instant notBefore, String kid) {
    }

    /**
     * Whether tokens signed with key {@code kid} are still accepted (the key was not revoked or
     * expired since); asked on a cache hit, without reading the store for an unknown key.
     */
    public boolean trustsKey(String kid) {
        return keys.trusts(kid);
    }

    /** As {@link #trustsKey(String)}, at {@code now} as the caller read it from the clock. */
    public boolean trustsKey(String kid, Instant now) {
        return keys.trusts(kid, now);
    }

    /** Signs an access token for a session at {@code now}; it never outlives the session. */
    public Issued issue(Session session, Map<String, Object> extraClaims, Instant now) {
        KeyMaterial.Prepared key = keys.signingKey();
        Instant exp = now.plus(settings.accessTokenLifetime());
        // An access token never outlives its session's absolute lifetime.
        if (exp.isAfter(session.absoluteExpiresAt())) {
            exp = session.absoluteExpiresAt();
        }
        String jti = randomId();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        extraClaims.forEach((k, v) -> {
            if (!REGISTERED.contains(k)) {
                claims.claim(k, v);
            }
        });
        // JWT NumericDates are whole seconds (RFC 7519 §2); truncate so the instants we return
        // are the ones a verifier will read back.
        Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expSec = Instant.ofEpochSecond(exp.getEpochSecond());
        claims.issuer(settings.issuer())
                .audience(settings.audience())
                .subject(session.userId())
                .claim("sid", session.id())
                .jwtID(jti)
                .issueTime(Date.from(iat))
                .notBeforeTime(Date.from(iat))
                .expirationTime(Date.from(expSec))
                .claim("preferred_username", session.username())
                .claim("roles", List.copyOf(session.roles()));
        JWSHeader header = new JWSHeader.Builder(key.jwsAlgorithm()).type(AT_JWT).keyID(key.key().kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer().orElseThrow());
        } catch (JOSEException e) {
            throw new StoreUnavailableException("signing failed with key " + key.key().kid(), e);
        }
        // The principal checkClaims builds from these claims: nbf is iat, no extra claims.
        Optional<Verified> verified = extraClaims.isEmpty()
                ? Optional.of(new Verified(new AuthPrincipal(session.userId(), session.username(), session.roles(),
                        session.id(), jti, iat, expSec, Map.of()), iat, key.key().kid()))
                : Optional.empty();
        String token = jwt.serialize();
        if (encryption.isPresent()) {
            // RFC 7519 §11.2: sign first, then encrypt, so that the signature covers the claims themselves.
            token = encryption.get().seal(token);
        }
        return new Issued(token, iat, expSec, verified);
    }

    /**
     * Verifies signature, headers and claims.
     *
     * @param ignoreExpiry for refresh: an expired token is accepted (its other checks still apply)
     * @throws AuthException {@link ErrorCode#TOKEN_MISSING}, {@link ErrorCode#TOKEN_INVALID} or
     *         {@link ErrorCode#TOKEN_EXPIRED}
     */
    public Verified verify(String token, boolean ignoreExpiry) {
        if (token == null || token.isEmpty()) {
            throw AuthException.of(ErrorCode.TOKEN_MISSING);
        }
        // No RFC sets a size; we bound the work an unauthenticated caller can cause before any parsing.
        if (token.length() > settings.maxTokenBytes()) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "token_too_large");
        }
        // RFC 8725 §3.12: a JWS where a JWE is required, or the reverse, is refused before any parsing.
        boolean encrypted = CompactJws.dots(token) == 4;
        if (encryption.isPresent()) {
            if (!encrypted) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "not_encrypted");
            }
            // The plaintext must be a signed token of ours like any other (RFC 8725 §3.3): no second
            // layer of encryption, no unsecured JWT.
            return verifySigned(encryption.get().open(token), ignoreExpiry);
        }
        if (encrypted) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "unexpected_encryption");
        }
        return verifySigned(token, ignoreExpiry);
    }

    private Verified verifySigned(String token, boolean ignoreExpiry) {
        CompactJws.Parts parts;
        try {
            parts = CompactJws.split(token);
        } catch (CompactJws.Refused e) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed");
        }
        // RFC 7515 §4.1.11: we understand no extension, so crit is refused in every form, even
        // [] or null, which some libraries read as "no crit" (and RFC 7515 forbids an empty list).
        if (parts.headerNames().contains("crit")) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "unknown_crit");
        }
        Map<String, Object> h = parts.headerMembers();
        // RFC 8725 §3.1 and our key pinning: a key is never taken from the token itself.
        if (h.containsKey("jwk") || h.containsKey("jku") || h.containsKey("x5u") || h.containsKey("x5c")) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "untrusted_key_header");
        }
        // RFC 7797 §3: b64 false would sign the payload unencoded; only the default (absent or true) is ours.
        if (h.containsKey("b64") && !Boolean.TRUE.equals(h.get("b64"))) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "unencoded_payload");
        }
        // RFC 8725 §3.11: explicit typing keeps other kinds of JWT out.
        if (!(h.get("typ") instanceof String typ) || !isAtJwt(typ)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "wrong_typ");
        }
        if (!(h.get("kid") instanceof String kid)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "no_kid");
        }
        KeyMaterial.Prepared key = keys.verifier(kid)
                .orElseThrow(() -> AuthException.of(ErrorCode.TOKEN_INVALID, "unknown_kid"));
        // RFC 8725 §3.1: the header's alg must be the one algorithm this key is pinned to.
        if (!(h.get("alg") instanceof String alg) || !key.jwsAlgorithm().getName().equals(alg)) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "alg_mismatch");
        }
        boolean valid;
        try {
            // RFC 7515 §5.2 steps 8-9: the signature over the ASCII bytes of header.payload, with the
            // key's own algorithm (the check is built for that algorithm only, KeyMaterial.prepare).
            valid = key.check().verify(parts.signingInput(), parts.signatureBytes());
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "bad_signature");
        }
        return checkClaims(parts.claims(), ignoreExpiry, kid);
    }

    private Verified checkClaims(Map<String, Object> c, boolean ignoreExpiry, String kid) {
        try {
            // RFC 8725 §3.8
            if (!settings.issuer().equals(c.get("iss"))) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "wrong_iss");
            }
            // RFC 7519 §4.1.3, RFC 8725 §3.9: a string, or an array of strings that holds ours.
            Object aud = c.get("aud");
            boolean forUs = aud instanceof String one ? one.equals(settings.audience())
                    : aud instanceof List<?> many && stringList(many, "aud").contains(settings.audience());
            if (!forUs) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "wrong_aud");
            }
            String sub = string(c, "sub");
            String sid = string(c, "sid");
            String jti = string(c, "jti");
            String username = string(c, "preferred_username");
            Instant exp = numericDate(c, "exp");
            Instant iat = numericDate(c, "iat");
            if (sub == null || sid == null || jti == null || username == null || exp == null || iat == null) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "missing_claim");
            }
            Instant now = clock.instant();
            Duration skew = settings.clockSkew();
            Instant nbfClaim = numericDate(c, "nbf");
            Instant nbf = nbfClaim == null ? iat : nbfClaim;
            // RFC 7519 §4.1.5: not accepted before nbf; allow the skew.
            if (now.plus(skew).isBefore(nbf) || now.plus(skew).isBefore(iat)) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "not_yet_valid");
            }
            Instant expiresAt = exp;
            // We never issue a token that lives longer than the access-token lifetime (issue()
            // caps exp at iat + lifetime). A longer one was not minted by this configuration: a
            // leaked key or a bug, refused rather than honoured. Our own policy: RFC 8725 §3.10 asks
            // not to trust received claims further than the issuer's rules warrant.
            if (Duration.between(iat, expiresAt).compareTo(longestLifetime) > 0) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "lifetime_too_long");
            }
            // RFC 7519 §4.1.4: not accepted on or after exp; allow the skew.
            if (!ignoreExpiry && !now.isBefore(expiresAt.plus(skew))) {
                throw AuthException.of(ErrorCode.TOKEN_EXPIRED);
            }
            Object roles = c.get("roles");
            if (roles != null && !(roles instanceof List<?>)) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed_claims");
            }
            Map<String, Object> extra = new HashMap<>();
            for (Map.Entry<String, Object> e : c.entrySet()) {
                if (!REGISTERED.contains(e.getKey()) && e.getValue() != null) {
                    extra.put(e.getKey(), e.getValue());
                }
            }
            Set<String> roleSet = roles == null ? Set.of() : new HashSet<>(stringList((List<?>) roles, "roles"));
            AuthPrincipal p = new AuthPrincipal(sub, username, roleSet, sid, jti, iat, expiresAt, extra);
            return new Verified(p, nbf, kid);
        } catch (RuntimeException e) {
            if (e instanceof AuthException ae) {
                throw ae;
            }
            throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed_claims");
        }
    }

    /** A string claim, or null when absent or JSON null; refused when it is of another type. */
    private static String string(Map<String, Object> c, String name) {
        Object v = c.get(name);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed_claims");
    }

    /** Every element a string (nulls skipped, as the JOSE library did); refused otherwise. */
    private static List<String> stringList(List<?> values, String name) {
        List<String> out = new ArrayList<>(values.size());
        for (Object v : values) {
            if (v instanceof String str) {
                out.add(str);
            } else if (v != null) {
                throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed_claims");
            }
        }
        return out;
    }

    /**
     * A NumericDate claim (RFC 7519 §2: seconds since the epoch; a fraction is allowed and
     * dropped, as the JOSE library did); null when absent; refused when not a number.
     */
    private static Instant numericDate(Map<String, Object> c, String name) {
        Object v = c.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Long seconds) {
            return Instant.ofEpochSecond(seconds);
        }
        if (v instanceof Double d && Double.isFinite(d)) {
            return Instant.ofEpochSecond((long) (double) d);
        }
        throw AuthException.of(ErrorCode.TOKEN_INVALID, "malformed_claims");
    }

    private static boolean isAtJwt(String typ) {
        // RFC 9068 §4: "at+jwt", also accepted with the "application/" prefix (RFC 7515 §4.1.9).
        return "at+jwt".equalsIgnoreCase(typ) || "application/at+jwt".equalsIgnoreCase(typ);
    }

    private static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

}
