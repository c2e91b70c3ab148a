package org.portcullis.auth.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sessions and their refresh-token state. The store keeps, per session, the hash of the current
 * refresh token and the hashes of every token rotated away while the session lives, so that a
 * replayed old token is recognised as reuse (RFC 9700 §4.14.2) rather than as an unknown token.
 * Hashes are opaque strings to the store (the engine uses base64url SHA-256); the plaintext
 * refresh token never reaches it.
 *
 * <p>Implementations must be thread-safe, and {@link #rotate} must be atomic: one conditional
 * write, never a read followed by a write, so that among any number of concurrent rotations
 * of the same expected hash exactly one returns {@link RotationResult#ROTATED}.
 *
 * <p>Every method throws {@link StoreUnavailableException} when the store cannot be reached,
 * and none returns {@code null}. Expiry is evaluated against the instant passed in, never
 * against a clock of the store's own.
 */
public interface SessionStore {

    /**
     * Stores a new session whose current refresh-token hash is {@code refreshTokenHash}.
     *
     * @throws IllegalArgumentException if a session with this id, or a token with this hash, exists
     */
    void create(Session session, String refreshTokenHash);

    /** The session with this id, active or not, until it is purged. */
    Optional<Session> find(String sessionId);

    /**
     * What the store knows of a refresh-token hash: its session, and whether it is the current
     * token, the immediate predecessor, or an older one. Empty for an unknown hash, and for the
     * hashes of purged sessions.
     */
    Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash);

    /**
     * Atomically replaces the current refresh-token hash {@code expectedHash} with {@code newHash},
     * when and only when the session's current hash is {@code expectedHash} and the session is
     * active at {@code now}. On success the old hash becomes the {@code PREVIOUS} token (rotated
     * at {@code now}), the one before it becomes {@code RETIRED}, the refresh count grows by one,
     * {@code lastRefreshedAt} becomes {@code now} and the idle expiry becomes {@code newIdleExpiresAt}.
     *
     * @return {@link RotationResult#ROTATED} for the one winner; {@link RotationResult#STALE} when the
     *         current hash is another; {@link RotationResult#INACTIVE} when the session is missing,
     *         revoked or expired at {@code now}
     */
    RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                          Instant newIdleExpiresAt);

    /**
     * Revokes one session if it is not revoked yet. Revoked sessions stay findable until purged.
     *
     * @return whether this call revoked it ({@code false} if missing or already revoked)
     */
    boolean revoke(String sessionId, RevocationReason reason, Instant now);

    /**
     * Revokes every not-yet-revoked session of a user, except {@code exceptSessionId} if given.
     *
     * @return the ids of the sessions this call revoked
     */
    List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId);

    /** The user's sessions that are active at {@code now}, oldest first. */
    List<Session> findActiveByUser(String userId, Instant now);

    /**
     * Deletes, with their token hashes, at most {@code limit} sessions that either expired at or
     * before {@code now} or were revoked at or before {@code revokedBefore}. Called repeatedly by the
     * cleanup job until it returns fewer than {@code limit}; each call is one short transaction.
     *
     * @return the sessions deleted by this call (at most {@code limit})
     */
    List<Session> purge(Instant now, Instant revokedBefore, int limit);

    /**
     * Checks that the store can be reached, for health checks.
     *
     * @throws StoreUnavailableException if it cannot
     */
    default void ping() {
    }
}
