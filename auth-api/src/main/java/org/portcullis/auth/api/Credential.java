package org.portcullis.auth.api;

/**
 * Something a user presents to prove who they are. Today a {@link PasswordCredential}; an
 * assertion from an external identity provider is the next permitted kind.
 *
 * <p>{@link #subjectHint()} names who the credential claims to be, for throttling before any
 * expensive check (DESIGN: throttle before hashing).
 */
public sealed interface Credential permits PasswordCredential, ExternalAssertion {

    /** The claimed identity (a username, or an IdP's issuer and subject), never a secret. */
    String subjectHint();
}
