package org.portcullis.auth.testkit;

import org.assertj.core.api.AbstractAssert;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;

/** AssertJ assertions on one {@link AuditEvent}; from {@link PortcullisAssertions#assertThat(AuditEvent)}. */
public final class AuditEventAssert extends AbstractAssert<AuditEventAssert, AuditEvent> {

    AuditEventAssert(AuditEvent actual) {
        super(actual, AuditEventAssert.class);
    }

    /** The event is of {@code type}. */
    public AuditEventAssert hasType(AuditEventType type) {
        isNotNull();
        if (actual.type() != type) {
            failWithMessage("Expected an event of type <%s> but it was <%s>", type, actual.type());
        }
        return this;
    }

    /** The event's operation succeeded. */
    public AuditEventAssert succeeded() {
        return hasOutcome(AuditEvent.Outcome.SUCCESS);
    }

    /** The event's operation failed. */
    public AuditEventAssert failed() {
        return hasOutcome(AuditEvent.Outcome.FAILURE);
    }

    private AuditEventAssert hasOutcome(AuditEvent.Outcome outcome) {
        isNotNull();
        if (actual.outcome() != outcome) {
            failWithMessage("Expected outcome <%s> but it was <%s>", outcome, actual.outcome());
        }
        return this;
    }

    /** The event concerns the user named {@code user}: by username or by user id. */
    public AuditEventAssert isForUser(String user) {
        isNotNull();
        if (!AuditEventsAssert.concerns(actual, user)) {
            failWithMessage("Expected an event for user <%s> but it was for <%s>/<%s>", user,
                    actual.username().orElse(null), actual.userId().orElse(null));
        }
        return this;
    }

    /** The event carries reason code {@code reason}. */
    public AuditEventAssert hasReason(String reason) {
        isNotNull();
        if (!actual.reason().equals(reason)) {
            failWithMessage("Expected reason <%s> but it was <%s>", reason, actual.reason());
        }
        return this;
    }

    /** The event concerns session {@code sessionId}. */
    public AuditEventAssert isForSession(String sessionId) {
        isNotNull();
        if (!actual.sessionId().map(sessionId::equals).orElse(false)) {
            failWithMessage("Expected an event of session <%s> but it was of <%s>", sessionId,
                    actual.sessionId().orElse(null));
        }
        return this;
    }
}
