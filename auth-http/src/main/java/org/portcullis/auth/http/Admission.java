package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;

import java.util.Objects;

/**
 * Whether a request may go on to the resource it asks for: the answer of
 * {@link AuthHttpHandler#admit(AuthHttpRequest)}, used by the servlet filter and by the handler itself.
 */
public sealed interface Admission permits Admission.Granted, Admission.Open, Admission.Refused {

    /** The request carries a valid access token. */
    record Granted(AuthPrincipal principal) implements Admission {
        public Granted {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /**
     * The request may pass without a principal: one of the three anonymous endpoints, or
     * {@code /user/refreshToken} with a bearer token that the endpoint itself checks (it may be expired).
     */
    record Open() implements Admission {
    }

    /** The request is refused; {@link #response()} is the 401 (or 503, or 431) to send. */
    record Refused(AuthHttpResponse response) implements Admission {
        public Refused {
            Objects.requireNonNull(response, "response");
        }
    }
}
