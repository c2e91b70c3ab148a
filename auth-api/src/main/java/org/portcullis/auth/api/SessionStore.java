package org.portcullis.auth.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
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
 * against a clock of the store's own, and instants are kept to the millisecond at least (a
 * store that rounds to seconds lets a session live up to a second past its expiry).
 *
 * <p><b>What the engine relies on</b>, each checked by {@code SessionStoreContract}:
 * <ul>
 *   <li>A refresh-token hash belongs to at most one session, ever: {@link #create} and
 *       {@link #rotate} refuse a hash that any stored session has or had (current, previous or
 *       retired), so that a replayed old token can never be mistaken for another session's.</li>
 *   <li>Every hash a session had stays known until the session is purged, however many
 *       rotations there were: no cap on the history. Forgetting one turns token theft
 *       (reuse, RFC 9700 §4.14.2) into an unknown token, which revokes nothing.</li>
 *   <li>Expired and revoked sessions are still found, by id and by any hash they had, until
 *       purged; the engine tells "expired" and "reused" apart from what it finds.</li>
 *   <li>Revocation does not care about expiry: an expired session that was never revoked can
 *       be revoked, and {@link #revokeAll} includes such sessions.</li>
 *   <li>Every write is atomic: concurrent creates of one id or one hash let exactly one
 *       succeed; concurrent revokes of one session report {@code true} exactly once;
 *       concurrent {@code revokeAll} and {@code purge} calls hand each session to exactly one
 *       caller.</li>
 *   <li>A durable store keeps all of it across a restart: sessions field for field, the whole
 *       hash lineage with each rotation time, revocations with time and reason, and purges.</li>
 * </ul>
 */
public interface SessionStore {

    /**
     * Stores a new session whose current refresh-token hash is {@code refreshTokenHash}. Atomic:
     * of concurrent creates with one id or one hash, exactly one succeeds.
     *
     * @throws IllegalArgumentException if a session with this id exists, or any stored session has
     *         or had this hash (current, previous or retired); nothing is stored then, and the
     *         message names neither the id nor the hash
     */
    void create(Session session, String refreshTokenHash);

    /**
     * Optional: {@link #create} and the recording of {@code event} in {@code audit}, as one
     * atomic write: the session with its first hash and the event are both stored or neither.
     *
     * <p>The engine calls this at every login, inside the login's {@link StoreTransactions}
     * transaction. A store that can write to {@code audit} itself in the statement that stores
     * the session (a database whose audit table is {@code audit}) does so and returns
     * {@code true}; any other store returns {@code false} without changing or recording anything,
     * and the engine then records the event and calls {@link #create}. The default returns {@code false}.
     * An event written here must be exactly what {@code audit.record(event)} would have stored.
     *
     * @return whether this store stored the session and recorded the event; {@code false} when it
     *         cannot write to {@code audit} atomically with the session (and then nothing changed)
     * @throws IllegalArgumentException as {@link #create}; nothing is stored or recorded then
     */
    default boolean createAndRecord(Session session, String refreshTokenHash, AuditSink audit, AuditEvent event) {
        return false;
    }

    /** The session with this id, active, expired or revoked, until it is purged. */
    Optional<Session> find(String sessionId);

    /**
     * What the store knows of a refresh-token hash: its session, and whether it is the current
     * token, the immediate predecessor, or an older one, with the instant it was rotated away.
     * Found whether the session is active, expired or revoked, for every hash it ever had; empty
     * for an unknown hash, and for every hash of a purged session.
     */
    Optional<RefreshTokenMatch> findByRefreshTokenHash(String refreshTokenHash);

    /**
     * Atomically replaces the current refresh-token hash {@code expectedHash} with {@code newHash},
     * when and only when the session's current hash is {@code expectedHash} and the session is
     * active at {@code now}. On success the old hash becomes the {@code PREVIOUS} token (rotated
     * at {@code now}), the one before it becomes {@code RETIRED}, the refresh count grows by one,
     * {@code lastRefreshedAt} becomes {@code now} and the idle expiry becomes {@code newIdleExpiresAt}.
     *
     * <p>Precedence: {@code INACTIVE} is decided first, so a missing, revoked or expired session
     * answers {@code INACTIVE} whatever hash is expected; only an active session answers
     * {@code STALE}. Neither changes anything.
     *
     * @return {@link RotationResult#ROTATED} for the one winner; {@link RotationResult#STALE} when the
     *         session is active and its current hash is another; {@link RotationResult#INACTIVE} when
     *         the session is missing, revoked or expired at {@code now}
     * @throws IllegalArgumentException if {@code newHash} is a hash any stored session has or had;
     *         nothing changes then
     */
    RotationResult rotate(String sessionId, String expectedHash, String newHash, Instant now,
                          Instant newIdleExpiresAt);

    /**
     * Optional: {@link #rotate} and, only when this call wins, the recording of
     * {@code eventIfRotated} in {@code audit}, as one atomic write, so that the rotation and its
     * audit event are both stored or neither. Nothing is recorded when the call does not win.
     *
     * <p>The engine calls this first at every refresh. A store that can write to {@code audit}
     * itself in the rotation's own write (a database whose audit table is {@code audit}, one
     * statement instead of a transaction of two) does so and returns the result; any other store
     * returns empty without changing or recording anything (the engine would record the event a
     * second time), and the engine then runs {@link #rotate} and
     * {@link AuditSink#record} in one {@link StoreTransactions} transaction. The default returns
     * empty. An event written here must be exactly what {@code audit.record(eventIfRotated)}
     * would have stored. A store that decorates another forwards this method and
     * {@link #createAndRecord} (with the sink the wrapped store knows, if it also wraps the sink),
     * or the wrapped store silently takes the slower path; {@link ForwardingSessionStore} does.
     *
     * @return the result as {@link #rotate} defines it, or empty when this store cannot write to
     *         {@code audit} atomically with the rotation (and then nothing has changed)
     * @throws IllegalArgumentException as {@link #rotate}; nothing is stored or recorded then
     */
    default Optional<RotationResult> rotateAndRecord(String sessionId, String expectedHash, String newHash,
                                                     Instant now, Instant newIdleExpiresAt, AuditSink audit,
                                                     AuditEvent eventIfRotated) {
        return Optional.empty();
    }

    /**
     * Revokes one session if it is not revoked yet, expired or not, recording {@code now} and
     * {@code reason}; a session already revoked keeps its first time and reason. Revoked sessions
     * stay findable until purged. Atomic: of concurrent calls, exactly one answers {@code true}.
     *
     * @return whether this call revoked it ({@code false} if missing or already revoked)
     */
    boolean revoke(String sessionId, RevocationReason reason, Instant now);

    /**
     * Revokes every not-yet-revoked session of a user, expired ones included, except
     * {@code exceptSessionId} if given. Atomic per session: concurrent calls (and concurrent
     * {@link #revoke} calls) never both claim one session.
     *
     * @return the ids of the sessions this call revoked, each once
     */
    List<String> revokeAll(String userId, RevocationReason reason, Instant now, Optional<String> exceptSessionId);

    /** The user's sessions that are active at {@code now}, oldest first. */
    List<Session> findActiveByUser(String userId, Instant now);

    /**
     * How many of the user's sessions are active at {@code now}: the size of what
     * {@link #findActiveByUser} lists, which the default computes. The engine counts at every
     * login (for the per-user session limit) and lists the sessions only when the limit is
     * reached, so a store that can count without reading the rows should override this.
     */
    default int countActiveByUser(String userId, Instant now) {
        return findActiveByUser(userId, now).size();
    }

    /**
     * Deletes, with every one of their token hashes, at most {@code limit} sessions that either
     * expired at or before {@code now} or were revoked at or before {@code revokedBefore} (both
     * bounds inclusive); never an active session. Called repeatedly by the cleanup job until it
     * returns fewer than {@code limit}; each call is one short transaction (keycloak#20073).
     * Concurrent calls hand each session to exactly one of them.
     *
     * @param limit at least 1
     * @return the sessions deleted by this call (at most {@code limit})
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    List<Session> purge(Instant now, Instant revokedBefore, int limit);

    /**
     * Checks that the store can be reached, for health checks.
     *
     * @throws StoreUnavailableException if it cannot
     */
    default void ping() {
    }

    /**
     * The argument checks every {@link #rotate} makes before anything else, written once so that
     * every store refuses the same calls the same way.
     *
     * @throws NullPointerException naming the first argument that is {@code null}
     */
    static void requireRotateArguments(String sessionId, String expectedHash, String newHash, Instant now,
                                       Instant newIdleExpiresAt) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(expectedHash, "expectedHash");
        Objects.requireNonNull(newHash, "newHash");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(newIdleExpiresAt, "newIdleExpiresAt");
    }

    /**
     * The argument checks every {@link #revokeAll} makes before anything else.
     *
     * @throws NullPointerException naming the first argument that is {@code null}
     */
    static void requireRevokeAllArguments(String userId, RevocationReason reason, Instant now,
                                          Optional<String> exceptSessionId) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(exceptSessionId, "exceptSessionId");
    }

    /**
     * The argument checks every {@link #purge} makes before anything else.
     *
     * @throws NullPointerException     naming the first argument that is {@code null}
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    static void requirePurgeArguments(Instant now, Instant revokedBefore, int limit) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(revokedBefore, "revokedBefore");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }
}
