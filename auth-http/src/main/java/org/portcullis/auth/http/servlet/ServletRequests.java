package org.portcullis.auth.http.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.portcullis.auth.http.AuthHttpRequest;
import org.portcullis.auth.http.AuthHttpResponse;
import org.portcullis.auth.http.internal.Bodies;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between the Servlet API and the transport-neutral request and response, for the
 * filter and servlet here and for adapters to frameworks that run on the Servlet API (such as
 * Javalin). Stateless; thread-safe.
 */
public final class ServletRequests {

    private ServletRequests() {
    }

    /**
     * The request as the handler sees it. The path is the raw request URI minus the context path,
     * not decoded: an encoded or otherwise unusual spelling of an anonymous path is therefore not
     * anonymous, which errs on the safe side. When the raw URI spells the context path otherwise
     * than the container reports it, the path is the container's own path below the context, marked
     * as unusual in the same way.
     *
     * @param body the body stream to hand on: the request's own for an endpoint, an empty one for admission
     */
    public static AuthHttpRequest toAuthRequest(HttpServletRequest request, InputStream body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Enumeration<String> names = request.getHeaderNames();
        if (names != null) {
            for (String name : Collections.list(names)) {
                Enumeration<String> values = request.getHeaders(name);
                List<String> list = new ArrayList<>();
                if (values != null) {
                    list.addAll(Collections.list(values));
                }
                headers.put(name, list);
            }
        }
        return AuthHttpRequest.of(request.getMethod(), pathWithinApplication(request), headers, body,
                request.getRemoteAddr());
    }

    private static String pathWithinApplication(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (context == null || context.isEmpty()) {
            return uri.isEmpty() ? "/" : uri;
        }
        if (uri.startsWith(context) && (uri.length() == context.length() || "/;".indexOf(uri.charAt(context.length())) >= 0)) {
            String rest = uri.substring(context.length());
            return rest.isEmpty() ? "/" : rest;
        }
        // The container chose this context on the decoded, normalised path (Jetty 12 does), but the
        // client spelled the context path otherwise (/%73hop, /x/../shop): the raw URI minus the
        // context path would name another path, around the access rules (OWASP ASVS v4 4.1.3). Take
        // the container's own path below the context, escaped so that it decodes to exactly that,
        // and led by a "." segment so that no anonymous rule applies to the odd spelling.
        String inContext = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        StringBuilder sb = new StringBuilder("/.");
        if (!inContext.startsWith("/")) {
            sb.append('/');
        }
        for (int i = 0; i < inContext.length(); i++) {
            char c = inContext.charAt(i);
            switch (c) {
                case '%' -> sb.append("%25");
                case ';' -> sb.append("%3B");
                case '\\' -> sb.append("%5C");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Writes an answer as {@link org.portcullis.auth.http.AuthHttpHandler} asks of adapters (every
     * header copied, {@code Content-Length} included; the body as it is), after reading what is left of the request body (bounded; see
     * {@link Bodies#drain}) so that the client gets to read it.
     *
     * @throws IOException when the client has gone away
     */
    public static void write(AuthHttpResponse answer, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!Bodies.drain(request.getInputStream())) {
            response.setHeader("Connection", "close");
        }
        response.setStatus(answer.status());
        for (Map.Entry<String, String> h : answer.headers().entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        if (answer.header("Content-Type").isEmpty()) {
            // The handler's answer has no content type (a 204): drop any default of the container.
            response.setContentType(null);
        }
        byte[] body = answer.body();
        if (body.length > 0) {
            response.getOutputStream().write(body);
        }
    }
}
