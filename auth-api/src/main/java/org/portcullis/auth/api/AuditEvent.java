package org.portcullis.auth.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One entry of the audit trail. It never contains a password, a token or a hash: the
 * {@link #reason()} is a short code such as {@code bad_password}, not free text from a request.
 *
 * @param id        unique id, so stores can page and de-duplicate; ids made by {@link #builder} grow in
 *                  creation order within one process, so events of the same instant keep their order
 * @param type      what happened
 * @param at        when
 * @param outcome   whether the attempted operation succeeded
 * @param userId    the user concerned, if known
 * @param username  the username concerned, if known (for failed logins: the name that was tried)
 * @param sessionId the session concerned, if any
 * @param clientIp  the client IP, {@code ""} when unknown
 * @param userAgent the client's user agent, {@code ""} when unknown
 * @param reason    a short machine-readable reason code, {@code ""} when none
 */
public record AuditEvent(String id, AuditEventType type, Instant at, Outcome outcome, Optional<String> userId,
                         Optional<String> username, Optional<String> sessionId, String clientIp, String userAgent,
                         String reason) {

    /** Longest reason code kept. */
    public static final int MAX_REASON_LENGTH = 200;

    /** Whether the operation behind the event succeeded. */
    public enum Outcome { SUCCESS, FAILURE }

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(sessionId, "sessionId");
        clientIp = Objects.requireNonNullElse(clientIp, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
        reason = Objects.requireNonNullElse(reason, "");
        if (reason.length() > MAX_REASON_LENGTH) {
            reason = reason.substring(0, MAX_REASON_LENGTH);
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    private static final String PROCESS = UUID.randomUUID().toString().substring(0, 8);

    /** A fixed-width id: this process's sequence number, then a random process tag for uniqueness across nodes. */
    private static String nextId() {
        return String.format("%016x-%s", SEQUENCE.incrementAndGet(), PROCESS);
    }

    /** Starts an event of {@code type} at {@code at}; the outcome defaults to success. */
    public static Builder builder(AuditEventType type, Instant at) {
        return new Builder(type, at);
    }

    /** Builds an {@link AuditEvent}; not thread-safe. */
    public static final class Builder {
        private final AuditEventType type;
        private final Instant at;
        private String id = nextId();
        private Outcome outcome = Outcome.SUCCESS;
        private String userId;
        private String username;
        private String sessionId;
        private String clientIp = "";
        private String userAgent = "";
        private String reason = "";

        private Builder(AuditEventType type, Instant at) {
            this.type = Objects.requireNonNull(type, "type");
            this.at = Objects.requireNonNull(at, "at");
        }

        public Builder id(String id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        public Builder failure() {
            this.outcome = Outcome.FAILURE;
            return this;
        }

        public Builder outcome(Outcome outcome) {
            this.outcome = Objects.requireNonNull(outcome, "outcome");
            return this;
        }

        public Builder user(String userId, String username) {
            this.userId = userId;
            this.username = username;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder session(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder client(ClientInfo client) {
            this.clientIp = client.ip();
            this.userAgent = client.userAgent();
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(id, type, at, outcome, Optional.ofNullable(userId), Optional.ofNullable(username),
                    Optional.ofNullable(sessionId), clientIp, userAgent, reason);
        }
    }
}
