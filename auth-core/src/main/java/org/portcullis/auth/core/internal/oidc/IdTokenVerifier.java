package org.portcullis.auth.core.internal.oidc;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.portcullis.auth.api.ExternalIdentity;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.core.OpenIdProvider;

/**
 * Validates one provider's ID tokens as OpenID Connect Core §3.1.3.7 asks, in this order:
 * <ol>
 *   <li>a JWS, at most {@link #MAX_TOKEN_CHARS} long; {@code alg} on the provider's allow-list,
 *       so never {@code none} and never an HMAC "signed" with the provider's public key (step 6,
 *       RFC 8725 §3.1); no {@code crit} header, as we understand none (RFC 7515 §4.1.11);</li>
 *   <li>signed by a key from the provider's JWKS chosen by {@code kid} (step 6, {@link ProviderKeys});</li>
 *   <li>{@code iss} exactly the configured issuer (step 2), so that a token of provider A is never
 *       taken as provider B even when both publish the same key;</li>
 *   <li>{@code aud} contains a configured client id, and every other value in it is a client id or
 *       a configured trusted audience (step 3: "reject if it contains additional audiences not
 *       trusted by the Client"); with several audiences an {@code azp} must be present, and any
 *       {@code azp} must be a configured client id (steps 4 and 5);</li>
 *   <li>{@code exp} not passed (step 9), {@code iat} not in the future and not older than the
 *       maximum age (step 10), {@code nbf} reached, each with the provider's clock skew;</li>
 *   <li>{@code nonce} (step 11; compared in constant time): when the login sends one, the token must
 *       carry the same; when the token carries one, the login must send it (the presenter does not
 *       get to decide whether the check runs); with {@link OpenIdProvider#requireNonce()} both must.</li>
 * </ol>
 * Time is the injected clock. Thread-safe and stateless apart from the key cache.
 */
public final class IdTokenVerifier {

    /** Longest ID token accepted; checked before any parsing. Real ones are a few kilobytes. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    private final OpenIdProvider provider;
    private final ProviderKeys keys;
    private final Clock clock;

    public IdTokenVerifier(OpenIdProvider provider, Clock clock) {
        this.provider = provider;
        this.keys = new ProviderKeys(provider, clock);
        this.clock = clock;
    }

    /** The provider this verifier trusts. */
    public OpenIdProvider provider() {
        return provider;
    }

    /**
     * Checks an ID token.
     *
     * @param token the compact serialisation
     * @param nonce the nonce the client sent, if any
     * @return the verified claims login needs
     * @throws IdTokenRejected with the reason, when the token is not acceptable
     * @throws StoreUnavailableException when the provider's keys cannot be had
     */
    public VerifiedIdToken verify(String token, Optional<String> nonce) throws IdTokenRejected {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw unauthentic("malformed", Optional.empty());
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException e) {
            throw unauthentic("malformed", Optional.empty());
        }
        Optional<String> claimed = claimedSubject(parsed);
        if (parsed instanceof PlainJWT) {
            throw unauthentic("alg_none", claimed);
        }
        if (!(parsed instanceof SignedJWT jws)) {
            throw unauthentic("malformed", claimed);
        }
        JWSHeader header = jws.getHeader();
        if (!provider.algorithms().contains(header.getAlgorithm().getName())) {
            throw unauthentic("alg_not_allowed", claimed);
        }
        if (header.getCriticalParams() != null) {
            throw unauthentic("crit_header", claimed);
        }
        List<Key> candidates = keys.candidates(header);
        if (candidates.isEmpty()) {
            throw unauthentic("unknown_key", claimed);
        }
        if (!signedByOneOf(jws, candidates)) {
            throw unauthentic("bad_signature", claimed);
        }
        JWTClaimsSet claims;
        try {
            claims = jws.getJWTClaimsSet();
        } catch (ParseException e) {
            throw unauthentic("malformed", claimed);
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > ExternalIdentity.MAX_LENGTH) {
            throw unauthentic("no_subject", Optional.empty());
        }
        Optional<String> subject = Optional.of(sub);
        // Signed by the provider, but only the checks below tell whether it was meant for us.
        if (!provider.issuer().equals(claims.getIssuer())) {
            throw unauthentic("wrong_issuer", subject);
        }
        List<String> audience = claims.getAudience();
        if (audience.stream().noneMatch(provider.clientIds()::contains)) {
            throw unauthentic("wrong_audience", subject);
        }
        if (!audience.stream().allMatch(a -> provider.clientIds().contains(a) || provider.trustedAudiences().contains(a))) {
            throw unauthentic("untrusted_audience", subject);
        }
        String azp;
        try {
            azp = claims.getStringClaim("azp");
        } catch (ParseException e) {
            throw unauthentic("azp_mismatch", subject);
        }
        if ((audience.size() > 1 && azp == null) || (azp != null && !provider.clientIds().contains(azp))) {
            throw unauthentic("azp_mismatch", subject);
        }
        checkTimes(claims, subject);
        checkNonce(claims, nonce, subject);
        return new VerifiedIdToken(sub, stringClaim(claims, "email"), isTrue(claims.getClaim("email_verified")),
                replayKey(claims, token), claims.getIssueTime().toInstant());
    }

    private void checkTimes(JWTClaimsSet claims, Optional<String> subject) throws IdTokenRejected {
        Instant now = clock.instant();
        Duration skew = provider.clockSkew();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            throw authentic("missing_exp_or_iat", subject);
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw authentic("expired", subject);
        }
        if (iat.toInstant().isAfter(now.plus(skew))) {
            throw authentic("issued_in_future", subject);
        }
        if (iat.toInstant().plus(provider.maxAge()).plus(skew).isBefore(now)) {
            throw authentic("too_old", subject);
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw authentic("not_yet_valid", subject);
        }
    }

    private void checkNonce(JWTClaimsSet claims, Optional<String> sent, Optional<String> subject)
            throws IdTokenRejected {
        // OpenID Connect Core §3.1.3.7 step 11 and §15.5.2: whether the nonce is checked is not the
        // presenter's choice. A token that carries a nonce was bound to a login attempt; presenting
        // it without that nonce is how a stolen token would be replayed.
        boolean carried = claims.getClaim("nonce") != null;
        if (sent.isEmpty()) {
            if (carried || provider.requireNonce()) {
                throw authentic("nonce_not_sent", subject);
            }
            return;
        }
        Optional<String> inToken = stringClaim(claims, "nonce");
        if (inToken.isEmpty()) {
            throw authentic("nonce_missing", subject);
        }
        if (!MessageDigest.isEqual(inToken.get().getBytes(StandardCharsets.UTF_8),
                sent.get().getBytes(StandardCharsets.UTF_8))) {
            throw authentic("nonce_mismatch", subject);
        }
    }

    /**
     * What identifies this token for the single-use check: {@code iss} and {@code jti} when the
     * provider sets a {@code jti} (RFC 7519 §4.1.7), else the SHA-256 of the whole token.
     */
    private static String replayKey(JWTClaimsSet claims, String token) {
        String jti = claims.getJWTID();
        if (jti != null && !jti.isEmpty()) {
            return "jti:" + claims.getIssuer().length() + ":" + claims.getIssuer() + "|" + jti;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return "sha256:" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static boolean signedByOneOf(SignedJWT jws, List<Key> candidates) {
        for (Key key : candidates) {
            try {
                if (jws.verify(VERIFIERS.createJWSVerifier(jws.getHeader(), key))) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // A key of the wrong shape for this algorithm: try the next one.
            }
        }
        return false;
    }

    /** The subject a token names before anything is checked: for the audit trail only. */
    private static Optional<String> claimedSubject(JWT jwt) {
        try {
            String sub = jwt.getJWTClaimsSet().getSubject();
            return sub == null || sub.isBlank() ? Optional.empty()
                    : Optional.of(sub.length() > ExternalIdentity.MAX_LENGTH ? sub.substring(0, ExternalIdentity.MAX_LENGTH) : sub);
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** {@code email_verified} is a JSON boolean (OpenID Connect Core §5.1); some providers send the string. */
    private static boolean isTrue(Object v) {
        return Boolean.TRUE.equals(v) || "true".equals(v);
    }

    private static IdTokenRejected unauthentic(String reason, Optional<String> claimed) {
        return new IdTokenRejected(reason, claimed, false);
    }

    private static IdTokenRejected authentic(String reason, Optional<String> subject) {
        return new IdTokenRejected(reason, subject, true);
    }
}
