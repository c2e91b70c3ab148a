package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The authenticated caller behind a valid access token: the answer of
 * {@link AuthService#validate(String)}.
 *
 * @param userId    the token's {@code sub}
 * @param username  the token's {@code preferred_username}
 * @param roles     the token's {@code roles}
 * @param sessionId the token's {@code sid}
 * @param tokenId   the token's {@code jti}
 * @param issuedAt  the token's {@code iat}
 * @param expiresAt the token's {@code exp}
 * @param claims    any further claims from the {@link Identity}
 */
public record AuthPrincipal(String userId, String username, Set<String> roles, String sessionId, String tokenId,
                            Instant issuedAt, Instant expiresAt, Map<String, Object> claims)
        implements java.security.Principal {

    public AuthPrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        claims = Map.copyOf(claims);
    }

    /** The username, as {@link java.security.Principal} asks. */
    @Override
    public String getName() {
        return username;
    }

    /** Whether the principal has the role. */
    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
