package org.portcullis.auth.core.internal;

import java.time.Clock;

import org.portcullis.auth.api.AuthSettings;
import org.portcullis.auth.api.CredentialVerifier;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.core.internal.token.AccessTokens;
import org.portcullis.auth.core.internal.validate.SessionStatus;

/**
 * The parts every flow shares, wired once by the builder. Immutable; every part is thread-safe.
 *
 * @param stores    the store SPIs
 * @param settings  the settings
 * @param clock     the one source of time
 * @param verifier  the credential check
 * @param tokens    access-token issue and verification
 * @param status    this node's bounded-staleness view of session status
 * @param audit     event recording
 */
public record Engine(Stores stores, AuthSettings settings, Clock clock, CredentialVerifier verifier,
                     AccessTokens tokens, SessionStatus status, Audit audit) {
}
