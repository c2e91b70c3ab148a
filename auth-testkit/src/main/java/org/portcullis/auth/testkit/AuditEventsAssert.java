package org.portcullis.auth.testkit;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.assertj.core.api.AbstractAssert;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.UserRecord;

/**
 * AssertJ assertions on a list of {@link AuditEvent}s; from
 * {@link PortcullisAssertions#assertThat(List)}. The narrowing methods ({@link #containsEventOfType},
 * {@link #forUser}, {@link #withReason}, ...) each keep only the matching events and fail if none
 * is left, so a chain reads as one sentence:
 *
 * <pre>{@code
 * assertThat(events).containsEventOfType(LOGIN_FAILED).forUser("alice").withReason("bad_password");
 * }</pre>
 */
public final class AuditEventsAssert extends AbstractAssert<AuditEventsAssert, List<AuditEvent>> {

    private final String narrowedBy;

    AuditEventsAssert(List<AuditEvent> actual) {
        this(actual, "");
    }

    private AuditEventsAssert(List<AuditEvent> actual, String narrowedBy) {
        super(actual == null ? null : List.copyOf(actual), AuditEventsAssert.class);
        this.narrowedBy = narrowedBy;
    }

    private AuditEventsAssert narrow(String what, Predicate<AuditEvent> filter) {
        isNotNull();
        List<AuditEvent> kept = actual.stream().filter(filter).toList();
        String description = narrowedBy.isEmpty() ? what : narrowedBy + ", " + what;
        if (kept.isEmpty()) {
            failWithMessage("Expected an audit event %s, but among the %d events%s there was none; they were:%n%s",
                    description, actual.size(), narrowedBy.isEmpty() ? "" : " " + narrowedBy, summary(actual));
        }
        return new AuditEventsAssert(kept, description);
    }

    /** Keeps the events of {@code type}; fails if there are none. */
    public AuditEventsAssert containsEventOfType(AuditEventType type) {
        return narrow("of type " + type, e -> e.type() == type);
    }

    /** Keeps the events concerning {@code user} (a username or a user id); fails if there are none. */
    public AuditEventsAssert forUser(String user) {
        return narrow("for user " + user, e -> concerns(e, user));
    }

    /** Keeps the events of session {@code sessionId}; fails if there are none. */
    public AuditEventsAssert forSession(String sessionId) {
        return narrow("of session " + sessionId, e -> e.sessionId().map(sessionId::equals).orElse(false));
    }

    /** Keeps the events with reason code {@code reason}; fails if there are none. */
    public AuditEventsAssert withReason(String reason) {
        return narrow("with reason " + reason, e -> e.reason().equals(reason));
    }

    /** Keeps the failed events; fails if there are none. */
    public AuditEventsAssert failed() {
        return narrow("that failed", e -> e.outcome() == AuditEvent.Outcome.FAILURE);
    }

    /** Keeps the events from client IP {@code ip}; fails if there are none. */
    public AuditEventsAssert fromIp(String ip) {
        return narrow("from " + ip, e -> e.clientIp().equals(ip));
    }

    /** Exactly {@code count} events (are left after narrowing). */
    public AuditEventsAssert hasCount(int count) {
        isNotNull();
        if (actual.size() != count) {
            failWithMessage("Expected %d audit events%s but there were %d:%n%s", count,
                    narrowedBy.isEmpty() ? "" : " " + narrowedBy, actual.size(), summary(actual));
        }
        return this;
    }

    /** No events at all (are left after narrowing). */
    public AuditEventsAssert isEmpty() {
        return hasCount(0);
    }

    /** No event of {@code type} (is left after narrowing). */
    public AuditEventsAssert doesNotContainEventOfType(AuditEventType type) {
        isNotNull();
        if (actual.stream().anyMatch(e -> e.type() == type)) {
            failWithMessage("Expected no audit event of type %s%s, but found:%n%s", type,
                    narrowedBy.isEmpty() ? "" : " " + narrowedBy, summary(actual.stream().filter(e -> e.type() == type).toList()));
        }
        return this;
    }

    /**
     * No event contains any of {@code secrets} (passwords, tokens) in any field. The failure message
     * names the event's type and the secret's position, never the secret itself.
     */
    public AuditEventsAssert containsNoSecret(String... secrets) {
        isNotNull();
        for (AuditEvent e : actual) {
            for (int i = 0; i < secrets.length; i++) {
                if (!secrets[i].isEmpty() && e.toString().contains(secrets[i])) {
                    failWithMessage("Audit event %s (id %s) contains secret number %d", e.type(), e.id(), i + 1);
                }
            }
        }
        return this;
    }

    /** The only event (left after narrowing), for assertions on its fields. */
    public AuditEventAssert singleEvent() {
        hasCount(1);
        return new AuditEventAssert(actual.get(0));
    }

    /** The events (left after narrowing). */
    public List<AuditEvent> events() {
        return actual;
    }

    static boolean concerns(AuditEvent e, String user) {
        String normalised = UserRecord.normalize(user);
        return e.userId().map(user::equals).orElse(false)
                || e.username().map(n -> UserRecord.normalize(n).equals(normalised)).orElse(false);
    }

    private static String summary(List<AuditEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (AuditEvent e : events) {
            sb.append(String.format(Locale.ROOT, "  %s %s %s user=%s session=%s reason=%s%n", e.at(), e.type(),
                    e.outcome(), e.username().or(e::userId).orElse("-"), e.sessionId().orElse("-"),
                    e.reason().isEmpty() ? "-" : e.reason()));
        }
        return sb.toString();
    }
}
