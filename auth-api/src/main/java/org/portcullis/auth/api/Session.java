package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One login of one user on one client, as stores keep it and as {@link AuthService#sessions}
 * lists it. It holds no token and no hash: the refresh-token state is the store's business.
 *
 * <p>A session is <em>active</em> at an instant {@code t} when it is not revoked and {@code t}
 * is strictly before both its idle and its absolute expiry ({@link #isActiveAt(Instant)}):
 * at the exact expiry instant it is already over.
 *
 * @param id                random identifier (the access token's {@code sid})
 * @param userId            owner
 * @param username          owner's username at login
 * @param roles             owner's roles at login
 * @param createdAt         login time
 * @param lastRefreshedAt   time of the latest refresh (login time if never refreshed)
 * @param idleExpiresAt     ends unless refreshed before this (sliding; never after the absolute expiry)
 * @param absoluteExpiresAt ends at this time whatever happens
 * @param client            where the login came from
 * @param refreshCount      how many times the refresh token has rotated
 * @param revokedAt         when it was revoked, if it was
 * @param revocationReason  why it was revoked, if it was
 */
public record Session(String id, String userId, String username, Set<String> roles,
                      Instant createdAt, Instant lastRefreshedAt, Instant idleExpiresAt, Instant absoluteExpiresAt,
                      ClientInfo client, long refreshCount,
                      Optional<Instant> revokedAt, Optional<RevocationReason> revocationReason) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastRefreshedAt, "lastRefreshedAt");
        Objects.requireNonNull(idleExpiresAt, "idleExpiresAt");
        Objects.requireNonNull(absoluteExpiresAt, "absoluteExpiresAt");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(revocationReason, "revocationReason");
        if (revokedAt.isPresent() != revocationReason.isPresent()) {
            throw new IllegalArgumentException("revokedAt and revocationReason go together");
        }
    }

    /** A new, never refreshed, not revoked session. */
    public static Session start(String id, String userId, String username, Set<String> roles, Instant now,
                                Instant idleExpiresAt, Instant absoluteExpiresAt, ClientInfo client) {
        return new Session(id, userId, username, roles, now, now, idleExpiresAt, absoluteExpiresAt, client, 0,
                Optional.empty(), Optional.empty());
    }

    /** Whether the session is usable at {@code now}: not revoked, and before both expiries. */
    public boolean isActiveAt(Instant now) {
        return revokedAt.isEmpty() && now.isBefore(idleExpiresAt) && now.isBefore(absoluteExpiresAt);
    }

    /** Whether the idle or the absolute expiry has been reached at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(idleExpiresAt) || !now.isBefore(absoluteExpiresAt);
    }

    /** The earlier of the two expiries. */
    public Instant expiresAt() {
        return idleExpiresAt.isBefore(absoluteExpiresAt) ? idleExpiresAt : absoluteExpiresAt;
    }

    /** A copy after a successful rotation at {@code now}. */
    public Session rotated(Instant now, Instant newIdleExpiresAt) {
        return new Session(id, userId, username, roles, createdAt, now, newIdleExpiresAt, absoluteExpiresAt, client,
                refreshCount + 1, revokedAt, revocationReason);
    }

    /** A copy with other roles (for a token issued with the account's current roles). */
    public Session withRoles(Set<String> newRoles) {
        return new Session(id, userId, username, newRoles, createdAt, lastRefreshedAt, idleExpiresAt, absoluteExpiresAt,
                client, refreshCount, revokedAt, revocationReason);
    }

    /** A copy revoked at {@code now} for {@code reason}. */
    public Session revoked(Instant now, RevocationReason reason) {
        return new Session(id, userId, username, roles, createdAt, lastRefreshedAt, idleExpiresAt, absoluteExpiresAt,
                client, refreshCount, Optional.of(now), Optional.of(reason));
    }
}
