package org.portcullis.auth.micrometer;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.ErrorCode;

/**
 * Turns audit events into counter increments. Only closed vocabularies become tag values: the
 * event's reason code is kept only if it is one of the engine's known codes (or an
 * {@link ErrorCode} name), anything else is {@code other}, so a custom credential verifier that
 * writes free text into a reason cannot blow up the number of series. Thread-safe.
 */
final class AuditCounters {

    /** Reason codes the engine and its default verifier write; see auth-core's login and refresh flows. */
    private static final Set<String> KNOWN_REASONS = Set.of(
            "bad_password", "unknown_user", "account_disabled", "input_rejected", "session_limit",
            "access_token_too_old", "alg_mismatch", "bad_signature", "concurrent_refresh", "malformed",
            "malformed_claims", "malformed_refresh_token", "missing_claim", "no_kid", "not_yet_valid",
            "session_revoked", "token_too_large", "unencoded_payload", "unknown_crit", "unknown_kid",
            "unknown_refresh_token", "untrusted_key_header", "wrong_aud", "wrong_iss", "wrong_typ",
            "expired", "session_mismatch", "refresh_token_expired", "throttled", "account_locked");

    private static final Pattern COUNT = Pattern.compile("(?:^|;)count=(\\d{1,9})(?:;|$)");

    private final MeterRegistry registry;
    private final Counter loginSucceeded;
    private final Counter loginThrottled;
    private final Counter refreshSucceeded;
    private final Counter reuse;
    private final Counter stuffing;

    AuditCounters(MeterRegistry registry) {
        this.registry = registry;
        // Registered up front so that a dashboard shows zero rather than no series.
        this.loginSucceeded = registry.counter(PortcullisMetrics.LOGINS, "result", "succeeded", "reason", "none");
        this.loginThrottled = registry.counter(PortcullisMetrics.LOGINS, "result", "throttled", "reason", "none");
        this.refreshSucceeded = registry.counter(PortcullisMetrics.REFRESHES, "result", "succeeded", "reason", "none");
        this.reuse = registry.counter(PortcullisMetrics.REUSE);
        this.stuffing = registry.counter(PortcullisMetrics.STUFFING);
    }

    void count(AuditEvent event) {
        switch (event.type()) {
            case LOGIN_SUCCEEDED -> loginSucceeded.increment();
            case LOGIN_FAILED -> registry.counter(PortcullisMetrics.LOGINS, "result", "failed",
                    "reason", reason(event.reason())).increment();
            case LOGIN_THROTTLED -> loginThrottled.increment();
            case TOKEN_REFRESHED -> refreshSucceeded.increment();
            case REFRESH_FAILED -> registry.counter(PortcullisMetrics.REFRESHES, "result", "failed",
                    "reason", reason(event.reason())).increment();
            case REFRESH_TOKEN_REUSED -> {
                reuse.increment();
                revoked("reuse", 1);
            }
            case LOGGED_OUT -> revoked("logout", 1);
            case SESSION_REVOKED -> revoked("revoked", 1);
            case SESSIONS_REVOKED_ALL -> revoked("revoked_all", count(event.reason()));
            case SESSION_LIMIT_EVICTED -> revoked("limit_evicted", 1);
            case CREDENTIAL_STUFFING_SUSPECTED -> stuffing.increment();
            default -> {
                // Purges, key rotations and rehashes are operations, not traffic: the audit log has them.
            }
        }
    }

    private void revoked(String cause, long n) {
        if (n > 0) {
            registry.counter(PortcullisMetrics.REVOCATIONS, "cause", cause).increment(n);
        }
    }

    /** A reason code fit for a tag: a known code, an error code's name in lower case, or {@code other}. */
    static String reason(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "none";
        }
        if (KNOWN_REASONS.contains(raw)) {
            return raw;
        }
        for (ErrorCode code : ErrorCode.values()) {
            if (code.name().toLowerCase(Locale.ROOT).equals(raw)) {
                return raw;
            }
        }
        return "other";
    }

    /** The session count of a SESSIONS_REVOKED_ALL event ({@code ...;count=N}); one when it names none. */
    private static long count(String reason) {
        Matcher m = COUNT.matcher(reason);
        return m.find() ? Long.parseLong(m.group(1)) : 1;
    }
}
