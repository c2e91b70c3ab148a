package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a request may go on to what it asks for: the answer of
 * {@link AuthHttpHandler#admit(AuthHttpRequest)}, the one place where the token, the
 * {@link AccessRules} and the {@link CorsPolicy} are applied. An adapter that protects the
 * application's own routes calls {@code admit} first and then:
 * <ul>
 *   <li>if {@link #answer()} is present, sends that response (a refusal, or a CORS preflight
 *       answer) and stops;</li>
 *   <li>otherwise adds {@link #responseHeaders()} to whatever response the application sends,
 *       and hands {@link #caller()} to the application (absent on an anonymous path).</li>
 * </ul>
 * Immutable.
 */
public sealed interface Admission permits Admission.Granted, Admission.Open, Admission.Answered {

    /**
     * Headers to add to the response sent for this request (CORS headers when a {@link CorsPolicy}
     * is set, otherwise none). Already part of {@link #answer()} when there is one.
     */
    Map<String, String> responseHeaders();

    /** The authenticated caller: present exactly for {@link Granted}. */
    default Optional<AuthPrincipal> caller() {
        return Optional.empty();
    }

    /** The response to send instead of going on: present exactly for {@link Refused} and {@link Preflight}. */
    default Optional<AuthHttpResponse> answer() {
        return Optional.empty();
    }

    /** The request carries a valid access token, and its principal satisfies the path's rule. */
    record Granted(AuthPrincipal principal, Map<String, String> responseHeaders) implements Admission {
        public Granted {
            Objects.requireNonNull(principal, "principal");
            responseHeaders = Map.copyOf(responseHeaders);
        }

        /** Granted, with no headers to add. */
        public Granted(AuthPrincipal principal) {
            this(principal, Map.of());
        }

        @Override
        public Optional<AuthPrincipal> caller() {
            return Optional.of(principal);
        }
    }

    /**
     * The request may pass without a principal: an anonymous path (the 7G anonymous set or an
     * {@link AccessRules} anonymous rule), or {@code /user/refreshToken} with a bearer token that
     * the endpoint itself checks (it may be expired).
     */
    record Open(Map<String, String> responseHeaders) implements Admission {
        public Open {
            responseHeaders = Map.copyOf(responseHeaders);
        }

        /** Open, with no headers to add. */
        public Open() {
            this(Map.of());
        }
    }

    /** The request is refused; {@link #response()} is the 401, 403, 431 or 503 to send. */
    record Refused(AuthHttpResponse response) implements Answered {
        public Refused {
            Objects.requireNonNull(response, "response");
        }
    }

    /** A CORS preflight, answered here before any authentication; {@link #response()} is the 204 to send. */
    record Preflight(AuthHttpResponse response) implements Answered {
        public Preflight {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * What {@link Refused} and {@link Preflight} share: the request ends here with {@link #response()},
     * whose headers already include any that {@link #responseHeaders()} would add.
     */
    sealed interface Answered extends Admission permits Refused, Preflight {

        /** The response to send. */
        AuthHttpResponse response();

        @Override
        default Map<String, String> responseHeaders() {
            return Map.of();
        }

        @Override
        default Optional<AuthHttpResponse> answer() {
            return Optional.of(response());
        }
    }
}
