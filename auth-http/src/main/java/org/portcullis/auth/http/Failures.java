package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.api.StoreUnavailableException;
import org.portcullis.auth.api.text.LogText;
import org.portcullis.auth.http.internal.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Turns what went wrong while serving a request into its answer: an expected refusal
 * ({@link AuthException}) into its problem, an unreachable store into 503 (fail closed), and
 * anything else, a bug of ours, into a 500 that says nothing about its cause (logged here).
 * Stateless.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(AuthHttpHandler.class);

    private Failures() {
    }

    static AuthHttpResponse of(AuthException e) {
        if (e.code() == ErrorCode.THROTTLED) {
            return Problems.throttled(e.retryAfter().orElse(Duration.ofSeconds(1)));
        }
        return Problems.of(e.code());
    }

    static AuthHttpResponse of(RuntimeException e, String doing, AuthHttpRequest request) {
        if (e instanceof AuthException a) {
            return of(a);
        }
        // Method and path come from the client: bounded and neutralised for the log (OWASP ASVS V7.3.1).
        if (e instanceof StoreUnavailableException) {
            LOG.warn("store unavailable while {} {} {}: {}", doing, LogText.neutralise(request.method(), 16),
                    LogText.neutralise(request.path(), 200), e.getMessage());
            return Problems.of(ErrorCode.STORE_UNAVAILABLE);
        }
        LOG.error("failure while {} {} {}", doing, LogText.neutralise(request.method(), 16),
                LogText.neutralise(request.path(), 200), e);
        return Problems.internalError();
    }
}
