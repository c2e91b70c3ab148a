package org.portcullis.auth.testkit;

import java.util.Set;

import org.assertj.core.api.AbstractAssert;
import org.portcullis.auth.api.AuthPrincipal;

/** AssertJ assertions on an {@link AuthPrincipal}; from {@link PortcullisAssertions#assertThat(AuthPrincipal)}. */
public final class PrincipalAssert extends AbstractAssert<PrincipalAssert, AuthPrincipal> {

    PrincipalAssert(AuthPrincipal actual) {
        super(actual, PrincipalAssert.class);
    }

    /** The principal's username is {@code username}. */
    public PrincipalAssert hasUsername(String username) {
        isNotNull();
        if (!actual.username().equals(username)) {
            failWithMessage("Expected username <%s> but was <%s>", username, actual.username());
        }
        return this;
    }

    /** The principal's user id is {@code userId}. */
    public PrincipalAssert hasUserId(String userId) {
        isNotNull();
        if (!actual.userId().equals(userId)) {
            failWithMessage("Expected user id <%s> but was <%s>", userId, actual.userId());
        }
        return this;
    }

    /** The principal has exactly these roles. */
    public PrincipalAssert hasRoles(String... roles) {
        isNotNull();
        if (!actual.roles().equals(Set.of(roles))) {
            failWithMessage("Expected roles <%s> but were <%s>", Set.of(roles), actual.roles());
        }
        return this;
    }

    /** The principal has the role (and maybe others). */
    public PrincipalAssert hasRole(String role) {
        isNotNull();
        if (!actual.hasRole(role)) {
            failWithMessage("Expected role <%s> among <%s>", role, actual.roles());
        }
        return this;
    }

    /** The principal does not have the role. */
    public PrincipalAssert doesNotHaveRole(String role) {
        isNotNull();
        if (actual.hasRole(role)) {
            failWithMessage("Expected no role <%s> but the roles are <%s>", role, actual.roles());
        }
        return this;
    }

    /** The principal's token belongs to session {@code sessionId}. */
    public PrincipalAssert hasSessionId(String sessionId) {
        isNotNull();
        if (!actual.sessionId().equals(sessionId)) {
            failWithMessage("Expected session <%s> but was <%s>", sessionId, actual.sessionId());
        }
        return this;
    }
}
