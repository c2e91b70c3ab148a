package org.portcullis.auth.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a verified credential belongs to: the answer of a {@link CredentialVerifier}.
 *
 * @param userId   stable identifier, becomes the token's {@code sub}
 * @param username display name, becomes the {@code preferred_username} claim
 * @param roles    role names, become the {@code roles} claim
 * @param claims   extra claims to put in the access token (must not collide with registered ones)
 */
public record Identity(String userId, String username, Set<String> roles, Map<String, Object> claims) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        claims = Map.copyOf(claims);
    }

    /** An identity with roles and no extra claims. */
    public static Identity of(String userId, String username, Set<String> roles) {
        return new Identity(userId, username, roles, Map.of());
    }
}
