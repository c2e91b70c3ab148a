package org.portcullis.auth.api;

import java.util.Objects;
import java.util.Optional;

/**
 * An assertion issued by an external identity provider, today an OpenID Connect ID token, to be
 * exchanged for a session. The engine checks it against the provider configured under
 * {@link #provider()} (see {@code OpenIdProvider} in auth-core).
 *
 * @param provider  the configured provider's id, such as {@code google}
 * @param assertion the raw assertion (a compact JWS); treated as a secret and never printed
 * @param nonce     the nonce the client sent in its authentication request, if it sent one: the
 *                  token must then carry exactly this value (OpenID Connect Core §3.1.3.7 step 11)
 */
public record ExternalAssertion(String provider, String assertion, Optional<String> nonce) implements Credential {

    public ExternalAssertion {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(assertion, "assertion");
        Objects.requireNonNull(nonce, "nonce");
    }

    /** An assertion for which the client sent no nonce. */
    public ExternalAssertion(String provider, String assertion) {
        this(provider, assertion, Optional.empty());
    }

    /**
     * The provider only: the subject is inside the assertion and known only once its signature
     * is checked, so throttling by subject happens after that check (see the engine's login).
     */
    @Override
    public String subjectHint() {
        return "idp:" + provider;
    }

    @Override
    public String toString() {
        return "ExternalAssertion[provider=" + provider + ", assertion=***, nonce=" + (nonce.isPresent() ? "***" : "none") + "]";
    }
}
