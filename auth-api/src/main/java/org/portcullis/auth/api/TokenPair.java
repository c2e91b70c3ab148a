package org.portcullis.auth.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What login and refresh return. {@link #toString()} never prints either token.
 *
 * @param accessToken      a signed JWT ({@code typ: at+jwt}), sent as {@code Authorization: Bearer}
 * @param refreshToken     an opaque random string; the server keeps only its hash
 * @param issuedAt         when the access token was issued
 * @param expiresAt        when the access token expires
 * @param refreshExpiresAt when the refresh token expires if unused (idle limit, capped by the absolute limit)
 * @param sessionId        the session both tokens belong to
 * @param deviceToken      on a password login only: the opaque device token that makes this client a
 *                         <em>known device</em> of the account; the client sends it back with its next
 *                         logins ({@link PasswordCredential#deviceToken()}). The server keeps only its hash.
 */
public record TokenPair(String accessToken, String refreshToken, Instant issuedAt, Instant expiresAt,
                        Instant refreshExpiresAt, String sessionId, Optional<String> deviceToken) {

    public TokenPair {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(refreshExpiresAt, "refreshExpiresAt");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(deviceToken, "deviceToken");
    }

    /** A pair without a device token (what a refresh returns). */
    public TokenPair(String accessToken, String refreshToken, Instant issuedAt, Instant expiresAt,
                     Instant refreshExpiresAt, String sessionId) {
        this(accessToken, refreshToken, issuedAt, expiresAt, refreshExpiresAt, sessionId, Optional.empty());
    }

    /** A copy carrying {@code deviceToken}. */
    public TokenPair withDeviceToken(String deviceToken) {
        return new TokenPair(accessToken, refreshToken, issuedAt, expiresAt, refreshExpiresAt, sessionId,
                Optional.of(deviceToken));
    }

    /** Always {@code Bearer} (RFC 6750). */
    public String tokenType() {
        return "Bearer";
    }

    /** The access token's lifetime. */
    public Duration expiresIn() {
        return Duration.between(issuedAt, expiresAt);
    }

    @Override
    public String toString() {
        return "TokenPair[sessionId=" + sessionId + ", expiresAt=" + expiresAt
                + ", refreshExpiresAt=" + refreshExpiresAt + ", accessToken=***, refreshToken=***"
                + (deviceToken.isPresent() ? ", deviceToken=***" : "") + "]";
    }
}
