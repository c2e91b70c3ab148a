package org.portcullis.auth.client;

import java.util.Objects;
import java.util.Set;

/**
 * Who the server says the caller is: the answer of {@code GET /user/me}.
 *
 * @param userId    the user's stable id
 * @param username  the user's name
 * @param roles     the user's roles
 * @param sessionId the session the access token belongs to
 */
public record UserInfo(String userId, String username, Set<String> roles, String sessionId) {

    public UserInfo {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
