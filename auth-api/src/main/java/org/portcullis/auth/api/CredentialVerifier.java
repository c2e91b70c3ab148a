package org.portcullis.auth.api;

/**
 * "Is this credential valid, and who is it?" One method, so an application can plug in LDAP,
 * its own user table or an identity provider. The default implementation checks Argon2id
 * hashes held in a {@link UserStore}.
 *
 * <p>The engine throttles before calling this, so a verifier need not count failures.
 *
 * <p>Implementations must be thread-safe. They must not reveal whether a username exists:
 * an unknown user and a wrong password both end in {@link ErrorCode#INVALID_CREDENTIALS}, after
 * about the same amount of work.
 */
@FunctionalInterface
public interface CredentialVerifier {

    /**
     * Verifies a credential.
     *
     * @return the identity the credential proves
     * @throws AuthException with {@link ErrorCode#INVALID_CREDENTIALS}, {@link ErrorCode#ACCOUNT_DISABLED}
     *         or {@link ErrorCode#UNSUPPORTED_CREDENTIAL}; its {@link AuthException#reason()} goes to the audit trail
     * @throws StoreUnavailableException when the backing store cannot be reached
     */
    Identity verify(Credential credential);
}
