package org.portcullis.auth.core;

/**
 * A read-only view of one node's token-validation hot path, for metrics (auth-micrometer reads it;
 * any other monitoring may too). Obtained through {@link Portcullis#validationStats}.
 *
 * <p>A <em>first sight</em> is a validation that had to verify the token's signature because this
 * node's cache did not hold it (or the cache is off); a <em>repeat</em> found it in the cache.
 * Every count only grows. Thread-safe; each method is a cheap, possibly slightly stale read.
 */
public interface ValidationStats {

    /** Tokens the verified-token cache holds now; 0 when the cache is off. */
    long tokenCacheSize();

    /** Validations answered from the cache since the service was built. */
    long repeatCount();

    /** Validations that verified a signature (successfully or not) since the service was built. */
    long firstSightCount();

    /** Total nanoseconds spent in those first-sight verifications. */
    long firstSightNanos();
}
