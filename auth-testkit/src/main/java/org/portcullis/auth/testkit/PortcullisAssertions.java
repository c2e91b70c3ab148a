package org.portcullis.auth.testkit;

import java.util.List;

import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.Session;
import org.portcullis.auth.api.TokenPair;

/**
 * AssertJ entry points for Portcullis values. They sit beside AssertJ's own: import both
 * statically and the compiler picks these for Portcullis types, being the more specific.
 *
 * <pre>{@code
 * import static org.assertj.core.api.Assertions.assertThat;
 * import static org.portcullis.auth.testkit.PortcullisAssertions.assertThat;
 *
 * assertThat(kit.auditEvents()).containsEventOfType(LOGIN_FAILED).forUser("alice").withReason("bad_password");
 * assertThat(pair).isBearer().expiresIn(Duration.ofMinutes(20));
 * assertThat(principal).hasUsername("alice").hasRoles("admin");
 * assertThat(session).isActiveAt(kit.clock().instant()).hasRefreshCount(1);
 * }</pre>
 */
public final class PortcullisAssertions {

    private PortcullisAssertions() {
    }

    /** Assertions on a token pair. */
    public static TokenPairAssert assertThat(TokenPair actual) {
        return new TokenPairAssert(actual);
    }

    /** Assertions on the principal of a validated token. */
    public static PrincipalAssert assertThat(AuthPrincipal actual) {
        return new PrincipalAssert(actual);
    }

    /** Assertions on a session. */
    public static SessionAssert assertThat(Session actual) {
        return new SessionAssert(actual);
    }

    /** Assertions on one audit event. */
    public static AuditEventAssert assertThat(AuditEvent actual) {
        return new AuditEventAssert(actual);
    }

    /** Assertions on a list of audit events, such as {@link PortcullisTestKit#auditEvents()}. */
    public static AuditEventsAssert assertThat(List<AuditEvent> actual) {
        return new AuditEventsAssert(actual);
    }
}
