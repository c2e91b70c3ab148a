package org.portcullis.auth.spring;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.Admission;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.AuthHttpRequest;
import org.portcullis.auth.http.AuthHttpResponse;
import org.portcullis.auth.http.internal.Problems;

/**
 * Bridges Spring Security's servlet world to auth-http's handler, so that every refusal the
 * starter sends is the very answer the standalone server sends (RFC 9457 body, RFC 6750 challenge).
 */
final class ServletAnswers {

    /** Not one of the 7G anonymous paths: asking the handler about it always checks the token. */
    private static final String PROTECTED_PATH = "/";

    private ServletAnswers() {
    }

    /** What the handler says of this request's headers, as if it asked for a protected resource. */
    static Admission admit(AuthHttpHandler handler, HttpServletRequest request, boolean withAuthorization) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Enumeration<String> names = request.getHeaderNames();
        if (names != null) {
            for (String name : Collections.list(names)) {
                if (!withAuthorization && "authorization".equalsIgnoreCase(name)) {
                    continue;
                }
                headers.put(name, new ArrayList<>(Collections.list(request.getHeaders(name))));
            }
        }
        return handler.admit(AuthHttpRequest.of(request.getMethod(), PROTECTED_PATH, headers,
                InputStream.nullInputStream(), request.getRemoteAddr()));
    }

    static void write(AuthHttpResponse answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        byte[] body = answer.body();
        if (body.length > 0) {
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /**
     * 403 for a caller whose token is valid but lacks a role: the very problem auth-http's access
     * rules send ({@code code} {@code FORBIDDEN}, RFC 6750 §3.1 {@code insufficient_scope}
     * challenge). auth-http keeps its problem builder under {@code internal}; the starter is
     * released with it at the same version (auth-bom), so it may use it.
     */
    static void forbidden(HttpServletResponse response) throws IOException {
        write(Problems.of(ErrorCode.FORBIDDEN), response);
    }
}
