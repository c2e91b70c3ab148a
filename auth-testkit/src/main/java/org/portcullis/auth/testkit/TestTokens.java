package org.portcullis.auth.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.TokenPair;

/**
 * Access tokens for testing a resource server: real ones from a real login, and the bad ones an
 * attacker or a stale client would send. Get it from {@link PortcullisTestKit#tokens()}.
 *
 * <p>Every method logs the named user in (with the password given at registration), so each
 * token belongs to a new session. What the service answers for each kind:
 * <ul>
 *   <li>{@link #valid} validates;</li>
 *   <li>{@link #expired} fails with {@code TOKEN_EXPIRED} &mdash; it <em>moves the kit's clock</em>
 *       past the token's expiry, so mint expired tokens before valid ones;</li>
 *   <li>{@link #revoked} fails with {@code TOKEN_REVOKED};</li>
 *   <li>{@link #tamperedPayload}, {@link #tamperedSignature}, {@link #unsigned} and
 *       {@link #foreign} fail with {@code TOKEN_INVALID}.</li>
 * </ul>
 *
 * <p>The static methods alter a token you already have. Thread-safe.
 */
public final class TestTokens {

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern ROLES = Pattern.compile("\"roles\"\\s*:\\s*\\[");
    private static final Pattern SUBJECT = Pattern.compile("\"sub\"\\s*:\\s*\"");

    private final PortcullisTestKit kit;

    TestTokens(PortcullisTestKit kit) {
        this.kit = kit;
    }

    /** Both tokens of a fresh login. */
    public TokenPair pair(String username) {
        return kit.login(username);
    }

    /** A valid access token of a fresh session. */
    public String valid(String username) {
        return pair(username).accessToken();
    }

    /**
     * An access token that has expired: logs in, then advances the kit's clock by the access-token
     * lifetime plus the allowed clock skew plus one second. Tokens minted earlier expire too.
     */
    public String expired(String username) {
        String token = valid(username);
        kit.clock().advance(kit.settings().accessTokenLifetime().plus(kit.settings().clockSkew()).plus(Duration.ofSeconds(1)));
        return token;
    }

    /** An access token whose session has been logged out. */
    public String revoked(String username) {
        String token = valid(username);
        AuthPrincipal principal = kit.service().validate(token);
        kit.service().logout(principal, PortcullisTestKit.TEST_CLIENT);
        return token;
    }

    /** A valid token whose payload was changed (an {@code admin} role added) without re-signing. */
    public String tamperedPayload(String username) {
        return tamperPayload(valid(username));
    }

    /** A valid token with its signature altered. */
    public String tamperedSignature(String username) {
        return tamperSignature(valid(username));
    }

    /** A valid token rewritten to {@code alg: none} with no signature (RFC 8725 §2.1). */
    public String unsigned(String username) {
        return unsign(valid(username));
    }

    /**
     * A well-formed token for the same user, issuer and audience, signed by another Portcullis
     * instance whose keys this service does not know.
     */
    public String foreign(String username) {
        String id = kit.userId(username);
        String password = "foreign-" + id;
        try (PortcullisTestKit other = PortcullisTestKit.inMemory()
                .withSettings(kit.settings())
                .startingAt(kit.clock().instant())
                .withUserId(id, username, password, kit.rolesOf(username))
                .build()) {
            return other.login(username, password).accessToken();
        }
    }

    /**
     * The same token with a changed payload and the original signature: an {@code admin} role is
     * added (or, if the token has no roles claim, the subject is altered).
     */
    public static String tamperPayload(String token) {
        String[] parts = split(token);
        String payload = new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8);
        Matcher roles = ROLES.matcher(payload);
        String changed;
        if (roles.find()) {
            changed = payload.substring(0, roles.end()) + "\"admin\"," + payload.substring(roles.end());
            changed = changed.replace("\"admin\",]", "\"admin\"]");
        } else {
            Matcher sub = SUBJECT.matcher(payload);
            if (!sub.find()) {
                throw new IllegalArgumentException("not an access token: no roles and no sub claim");
            }
            changed = payload.substring(0, sub.end()) + "evil-" + payload.substring(sub.end());
        }
        return parts[0] + "." + ENCODER.encodeToString(changed.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** The same token with the first byte of its signature flipped. */
    public static String tamperSignature(String token) {
        String[] parts = split(token);
        byte[] signature = DECODER.decode(parts[2]);
        if (signature.length == 0) {
            throw new IllegalArgumentException("the token has no signature to tamper with");
        }
        signature[0] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + ENCODER.encodeToString(signature);
    }

    /** The same payload under an {@code alg: none} header, with an empty signature. */
    public static String unsign(String token) {
        String[] parts = split(token);
        String header = "{\"alg\":\"none\",\"typ\":\"at+jwt\"}";
        return ENCODER.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    }

    private static String[] split(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWS compact serialisation");
        }
        return parts;
    }

    @Override
    public String toString() {
        return "TestTokens";
    }
}
