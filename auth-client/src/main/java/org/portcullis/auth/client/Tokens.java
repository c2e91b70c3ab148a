package org.portcullis.auth.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The token pair of one session as the client holds it. Immutable; {@link #toString()} never
 * prints either token, so a {@code Tokens} can be logged safely.
 *
 * <p>{@link #expiresAt()} is on the <em>client's</em> clock: the client computes it from the
 * server's {@code expiresIn} and the instant it sent the request, so a client whose clock is off
 * from the server's still refreshes in time. {@link #refreshExpiresAt()} is the server's
 * {@code refreshExpiresAt}, on the server's clock, for information only.
 *
 * <p>An application that persists tokens (see {@link TokenHolder}) stores these six components and
 * rebuilds the record with its canonical constructor.
 *
 * @param accessToken      the JWT to send as {@code Authorization: Bearer}
 * @param refreshToken     the opaque refresh token; one use only, since the server rotates it
 * @param sessionId        the session both tokens belong to
 * @param lifetime         the access token's lifetime as the server announced it ({@code expiresIn})
 * @param expiresAt        when the access token expires, on the client's clock
 * @param refreshExpiresAt when the refresh token expires if unused, as the server announced it, if it did
 */
public record Tokens(String accessToken, String refreshToken, String sessionId, Duration lifetime, Instant expiresAt,
                     Optional<Instant> refreshExpiresAt) {

    /**
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if a token or the session id is blank, or the lifetime is not positive
     */
    public Tokens {
        requireText(accessToken, "accessToken");
        requireText(refreshToken, "refreshToken");
        requireText(sessionId, "sessionId");
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.isZero() || lifetime.isNegative()) {
            throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(refreshExpiresAt, "refreshExpiresAt");
    }

    /** Always {@code Bearer} (RFC 6750 §2.1). */
    public String tokenType() {
        return "Bearer";
    }

    /**
     * When the client refreshes: {@code margin} before {@link #expiresAt()}, but never earlier than
     * halfway through the token's life. The cap matters when the margin is as long as the lifetime
     * (a 30-second margin on a 20-second token): without it every call would refresh.
     */
    Instant refreshDueAt(Duration margin) {
        Duration half = lifetime.dividedBy(2);
        Duration lead = margin.compareTo(half) > 0 ? half : margin;
        return expiresAt.minus(lead);
    }

    /** Whether a refresh is due at {@code now} (at or after {@link #refreshDueAt}). */
    boolean refreshDue(Duration margin, Instant now) {
        return !now.isBefore(refreshDueAt(margin));
    }

    @Override
    public String toString() {
        return "Tokens[sessionId=" + sessionId + ", expiresAt=" + expiresAt + ", lifetime=" + lifetime
                + ", refreshExpiresAt=" + refreshExpiresAt.map(Instant::toString).orElse("unknown")
                + ", accessToken=***, refreshToken=***]";
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
