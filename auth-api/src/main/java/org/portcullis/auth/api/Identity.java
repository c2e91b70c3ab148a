package org.portcullis.auth.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a verified credential belongs to: the answer of a {@link CredentialVerifier}.
 *
 * @param userId            stable identifier, becomes the token's {@code sub}
 * @param username          display name, becomes the {@code preferred_username} claim
 * @param roles             role names, become the {@code roles} claim
 * @param claims            extra claims to put in the access token (must not collide with registered ones)
 * @param credentialVersion an opaque value that changes whenever the credential this identity was
 *                          proven with changes (the default verifier uses a digest of the stored
 *                          password hash), or empty when the verifier keeps none; the engine hands
 *                          it back to {@link CredentialVerifier#isStillCurrent} after the login's
 *                          session was written, and never puts it in a token, a log line or an
 *                          audit event
 */
public record Identity(String userId, String username, Set<String> roles, Map<String, Object> claims,
                       String credentialVersion) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(credentialVersion, "credentialVersion");
        roles = Set.copyOf(roles);
        claims = Map.copyOf(claims);
    }

    /** An identity whose verifier keeps no credential version. */
    public Identity(String userId, String username, Set<String> roles, Map<String, Object> claims) {
        this(userId, username, roles, claims, "");
    }

    /** An identity with roles and no extra claims. */
    public static Identity of(String userId, String username, Set<String> roles) {
        return new Identity(userId, username, roles, Map.of());
    }

    /** The same identity, proven with the credential of this version. */
    public Identity withCredentialVersion(String version) {
        return new Identity(userId, username, roles, claims, version);
    }

    /** Leaves the credential version out: it is derived from a secret's hash. */
    @Override
    public String toString() {
        return "Identity[userId=" + userId + ", username=" + username + ", roles=" + roles
                + ", claims=" + claims.keySet() + "]";
    }
}
