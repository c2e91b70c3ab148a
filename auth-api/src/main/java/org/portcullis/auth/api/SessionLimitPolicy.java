package org.portcullis.auth.api;

/** What a login does when the user already has the maximum number of active sessions. */
public enum SessionLimitPolicy {
    /** Revoke the oldest active session(s) to make room, auditing {@link AuditEventType#SESSION_LIMIT_EVICTED}. */
    EVICT_OLDEST,
    /** Refuse the login with {@link ErrorCode#SESSION_LIMIT_REACHED}. */
    REJECT
}
