package org.portcullis.auth.api;

/** The outcome of {@link SessionStore#rotate}. */
public enum RotationResult {
    /** This call replaced the expected hash with the new one. Exactly one concurrent caller gets this. */
    ROTATED,
    /** The session's current hash was no longer the expected one: another rotation won. Nothing changed. */
    STALE,
    /** The session does not exist, is revoked, or has expired at the given instant. Nothing changed. */
    INACTIVE
}
