package org.portcullis.auth.http;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as {@link AuthHttpHandler} sees it, independent of the server that received it.
 * An adapter (the servlet, the JDK server, or an application's own) builds one per request.
 *
 * <p>Header names are case-insensitive (RFC 9110 §5.1). The body is read by the handler, at most
 * up to its size cap, and only by endpoints that take one. {@link #toString()} prints no header
 * values and no body, since the {@code Authorization} header holds a token.
 *
 * <p>Not thread-safe (it holds a stream); use it for one call.
 */
public final class AuthHttpRequest {

    private final String method;
    private final String path;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final String remoteAddress;

    private AuthHttpRequest(String method, String path, Map<String, List<String>> headers, InputStream body,
                            String remoteAddress) {
        this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        this.path = Objects.requireNonNull(path, "path");
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Objects.requireNonNull(headers, "headers").forEach((name, values) -> {
            if (name != null && values != null) {
                h.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
            }
        });
        h.replaceAll((k, v) -> List.copyOf(v));
        this.headers = Collections.unmodifiableMap(h);
        this.body = body == null ? InputStream.nullInputStream() : body;
        this.remoteAddress = remoteAddress == null ? "" : remoteAddress;
    }

    /**
     * A request.
     *
     * @param method        the HTTP method, such as {@code POST}
     * @param path          the raw (not percent-decoded) path relative to where the endpoints are
     *                      mounted, such as {@code /user/login}; no query string
     * @param headers       every header with all its values; names in any case
     * @param body          the request body, or {@code null} for none
     * @param remoteAddress the socket peer's IP address as text, or {@code null} when unknown
     */
    public static AuthHttpRequest of(String method, String path, Map<String, List<String>> headers, InputStream body,
                                     String remoteAddress) {
        return new AuthHttpRequest(method, path, headers, body, remoteAddress);
    }

    /** The method, upper case. */
    public String method() {
        return method;
    }

    /** The raw path, without query string. */
    public String path() {
        return path;
    }

    /** Every header, names compared without regard to case; values in the order received. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Every value of one header, or an empty list. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** The first value of one header. */
    public Optional<String> header(String name) {
        List<String> v = headers(name);
        return v.isEmpty() ? Optional.empty() : Optional.ofNullable(v.get(0));
    }

    /** The body stream; empty when there is none. */
    public InputStream body() {
        return body;
    }

    /** The socket peer's address, {@code ""} when unknown. */
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        return "AuthHttpRequest[" + method + " " + path + ", headers=" + headers.keySet() + ", remote=" + remoteAddress + "]";
    }
}
