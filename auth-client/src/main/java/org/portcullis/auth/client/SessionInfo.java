package org.portcullis.auth.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One active session of the user, as {@code GET /user/sessions} lists it. Instants are the server's.
 *
 * @param id              the session id (pass it to {@link AuthClient#revokeSession})
 * @param createdAt       when the session was started by a login
 * @param lastRefreshedAt when its tokens were last refreshed
 * @param expiresAt       when it ends unless refreshed (the earlier of its idle and absolute expiry)
 * @param current         whether this is the session of the client that asked
 * @param clientIp        the IP the login came from, {@code ""} when unknown
 * @param userAgent       the user agent of the login, {@code ""} when unknown
 * @param refreshCount    how many times its tokens have been refreshed, {@code 0} when the server does not say
 */
public record SessionInfo(String id, Instant createdAt, Optional<Instant> lastRefreshedAt, Optional<Instant> expiresAt,
                          boolean current, String clientIp, String userAgent, long refreshCount) {

    public SessionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastRefreshedAt, "lastRefreshedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        clientIp = Objects.requireNonNullElse(clientIp, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
    }
}
