package org.portcullis.auth.core.internal.oidc;

import java.util.Optional;

/**
 * Why an ID token was refused: a reason code for the audit trail, the subject the token claims
 * (trusted only when {@link #authenticForUs()}), and whether the failure may be counted against
 * that subject.
 *
 * <p>{@code authenticForUs} is true only when the provider's signature checked out and the token
 * names this application as its audience: only then did the provider really issue it for this
 * subject to us. A forged token, or a genuine one minted for another client, names whatever
 * subject its sender likes; counting those against the subject would let anyone throttle a user
 * out of their account, so they are counted against the sending source alone.
 */
public final class IdTokenRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final transient Optional<String> subject;
    private final boolean authenticForUs;

    IdTokenRejected(String reason, Optional<String> subject, boolean authenticForUs) {
        super(reason, null, false, false);
        this.reason = reason;
        this.subject = subject;
        this.authenticForUs = authenticForUs;
    }

    /** A short code: {@code bad_signature}, {@code wrong_audience}, {@code expired}... */
    public String reason() {
        return reason;
    }

    /** The {@code sub} the token names, verified or not (see {@link #authenticForUs()}). */
    public Optional<String> subject() {
        return subject;
    }

    /** Whether the signature was valid and the audience was this application. */
    public boolean authenticForUs() {
        return authenticForUs;
    }
}
