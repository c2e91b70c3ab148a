package org.portcullis.auth.api;

import java.util.Objects;

/**
 * An assertion issued by an external identity provider (an OIDC ID token, a SAML assertion),
 * to be checked by a {@link CredentialVerifier} that trusts that provider. No verifier for it
 * ships yet; the type exists so that the SPI does not change when one does.
 *
 * @param provider  the configured provider's name
 * @param assertion the raw assertion; treated as a secret and never printed
 */
public record ExternalAssertion(String provider, String assertion) implements Credential {

    public ExternalAssertion {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(assertion, "assertion");
    }

    @Override
    public String subjectHint() {
        return "idp:" + provider;
    }

    @Override
    public String toString() {
        return "ExternalAssertion[provider=" + provider + ", assertion=***]";
    }
}
