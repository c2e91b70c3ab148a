package org.portcullis.auth.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Opt-in cross-origin access (the Fetch standard's CORS protocol) for browsers on other origins:
 * an allow-list of origins, the request headers they may send, the response headers their scripts
 * may read, and how long a preflight may be cached. Off unless {@link AuthHttpHandler.Builder#cors}
 * is given one.
 *
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 *       is answered by {@link AuthHttpHandler#admit} with 204, before any authentication, on every
 *       path.</li>
 *   <li>For an allowed origin, the preflight carries {@code Access-Control-Allow-Origin} (the origin
 *       itself), {@code -Allow-Methods}, {@code -Allow-Headers} (default {@code Authorization},
 *       {@code Content-Type}), {@code -Max-Age}, and {@code -Allow-Credentials} when enabled; every
 *       other answer carries {@code Access-Control-Allow-Origin}, {@code -Expose-Headers} (default
 *       {@code WWW-Authenticate}, {@code Retry-After}) and {@code -Allow-Credentials} when enabled.</li>
 *   <li>A request from any other origin gets no {@code Access-Control-*} header at all, so the
 *       browser withholds the answer from its script. Every answer carries {@code Vary: Origin},
 *       since it depends on that header.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class CorsPolicy {

    /** Request headers allowed unless the builder adds more. */
    public static final List<String> DEFAULT_ALLOWED_HEADERS = List.of("Authorization", "Content-Type");
    /** Response headers exposed unless the builder adds more. */
    public static final List<String> DEFAULT_EXPOSED_HEADERS = List.of("WWW-Authenticate", "Retry-After");
    /** Methods allowed unless the builder says otherwise. */
    public static final List<String> DEFAULT_ALLOWED_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
    /** How long a browser may cache a preflight unless the builder says otherwise: 10 minutes. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

    private final Set<String> origins;
    private final boolean anyOrigin;
    private final boolean credentials;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final long maxAgeSeconds;

    private CorsPolicy(Builder b) {
        this.origins = Set.copyOf(b.origins);
        this.anyOrigin = b.anyOrigin;
        this.credentials = b.credentials;
        this.allowMethods = String.join(", ", b.methods);
        this.allowHeaders = String.join(", ", b.allowedHeaders);
        this.exposeHeaders = String.join(", ", b.exposedHeaders);
        this.maxAgeSeconds = b.maxAge.getSeconds();
    }

    /** A builder with no origins; give at least one, or {@link Builder#allowAnyOrigin()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether a request is a CORS preflight: {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
    static boolean isPreflight(AuthHttpRequest request) {
        return "OPTIONS".equals(request.method()) && request.header("Origin").isPresent()
                && request.header("Access-Control-Request-Method").isPresent();
    }

    /**
     * Puts the allowed-origin headers (and the credentials flag, when set) into {@code h}.
     *
     * @return whether the request's origin is allowed; when not, nothing was put
     */
    private boolean putAllowedOrigin(AuthHttpRequest request, Map<String, String> h) {
        String origin = allowedOrigin(request);
        if (origin == null) {
            return false;
        }
        h.put("Access-Control-Allow-Origin", origin);
        if (credentials) {
            h.put("Access-Control-Allow-Credentials", "true");
        }
        return true;
    }

    /** The 204 answering a preflight; its CORS headers only when the origin is allowed. */
    AuthHttpResponse preflight(AuthHttpRequest request) {
        Map<String, String> h = new LinkedHashMap<>();
        if (putAllowedOrigin(request, h)) {
            h.put("Access-Control-Allow-Methods", allowMethods);
            h.put("Access-Control-Allow-Headers", allowHeaders);
            h.put("Access-Control-Max-Age", Long.toString(maxAgeSeconds));
        }
        h.put("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        return new AuthHttpResponse(204, h, new byte[0]);
    }

    /** The headers to add to any answer other than a preflight. */
    Map<String, String> headersFor(AuthHttpRequest request) {
        Map<String, String> h = new LinkedHashMap<>();
        if (putAllowedOrigin(request, h)) {
            h.put("Access-Control-Expose-Headers", exposeHeaders);
        }
        h.put("Vary", "Origin");
        return h;
    }

    private String allowedOrigin(AuthHttpRequest request) {
        List<String> values = request.headers("Origin");
        if (values.size() != 1 || values.get(0) == null) {
            return null;
        }
        String origin = values.get(0).strip().toLowerCase(Locale.ROOT);
        if (origins.contains(origin)) {
            return origin;
        }
        // Fetch standard §3.2.5: "*" is only honoured for requests without credentials.
        return anyOrigin && !origin.equals("null") ? "*" : null;
    }

    @Override
    public String toString() {
        return "CorsPolicy[origins=" + (anyOrigin ? "*" : origins) + ", credentials=" + credentials + "]";
    }

    /** Builds a {@link CorsPolicy}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final Set<String> origins = new LinkedHashSet<>();
        private boolean anyOrigin;
        private boolean credentials;
        private final List<String> methods = new ArrayList<>(DEFAULT_ALLOWED_METHODS);
        private final Set<String> allowedHeaders = new LinkedHashSet<>(DEFAULT_ALLOWED_HEADERS);
        private final Set<String> exposedHeaders = new LinkedHashSet<>(DEFAULT_EXPOSED_HEADERS);
        private Duration maxAge = DEFAULT_MAX_AGE;

        private Builder() {
        }

        /**
         * Origins allowed, each {@code scheme://host[:port]} as a browser sends it in {@code Origin}
         * (no path, no trailing slash); compared without regard to case, default ports dropped.
         *
         * @throws IllegalArgumentException for anything that is not such an origin, {@code "*"} and {@code "null"} included
         */
        public Builder allowOrigins(String... origins) {
            return allowOrigins(List.of(origins));
        }

        /** As {@link #allowOrigins(String...)}. */
        public Builder allowOrigins(Collection<String> origins) {
            for (String o : origins) {
                this.origins.add(normalise(o));
            }
            return this;
        }

        /** Allows every origin ({@code Access-Control-Allow-Origin: *}); refused at {@link #build()} with credentials. */
        public Builder allowAnyOrigin() {
            this.anyOrigin = true;
            return this;
        }

        /**
         * Sends {@code Access-Control-Allow-Credentials: true}, for browsers that send cookies or
         * TLS client certificates; not needed for a bearer token that a script puts in
         * {@code Authorization}. Default false.
         */
        public Builder allowCredentials(boolean allow) {
            this.credentials = allow;
            return this;
        }

        /** Replaces the allowed methods (default {@link #DEFAULT_ALLOWED_METHODS}). */
        public Builder allowMethods(String... methods) {
            this.methods.clear();
            for (String m : methods) {
                this.methods.add(token(m, "method").toUpperCase(Locale.ROOT));
            }
            return this;
        }

        /** Adds request headers that scripts may send, beyond {@link #DEFAULT_ALLOWED_HEADERS}. */
        public Builder allowHeaders(String... headers) {
            for (String h : headers) {
                allowedHeaders.add(token(h, "header name"));
            }
            return this;
        }

        /** Adds response headers that scripts may read, beyond {@link #DEFAULT_EXPOSED_HEADERS}. */
        public Builder exposeHeaders(String... headers) {
            for (String h : headers) {
                exposedHeaders.add(token(h, "header name"));
            }
            return this;
        }

        /** How long a browser may cache a preflight answer; default 10 minutes, at most 24 hours. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @throws IllegalArgumentException naming the first bad setting: no origin at all, any origin
         *                                  together with credentials, no method, a max-age out of range
         */
        public CorsPolicy build() {
            if (origins.isEmpty() && !anyOrigin) {
                throw new IllegalArgumentException("CORS needs at least one allowed origin (or allowAnyOrigin())");
            }
            if (anyOrigin && credentials) {
                // Fetch standard §3.2.5: a credentialed answer must name the origin; "*" fails it.
                throw new IllegalArgumentException("allowAnyOrigin() cannot be combined with allowCredentials(true); list the origins");
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("CORS needs at least one allowed method");
            }
            if (maxAge == null || maxAge.isNegative() || maxAge.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("maxAge must be between 0 and 24 hours: " + maxAge);
            }
            return new CorsPolicy(this);
        }

        private static String normalise(String origin) {
            if (origin == null || origin.isBlank() || origin.strip().equals("*") || origin.strip().equalsIgnoreCase("null")) {
                throw new IllegalArgumentException("an allowed origin is scheme://host[:port]; use allowAnyOrigin() for any: " + origin);
            }
            URI uri;
            try {
                uri = new URI(origin.strip());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not an origin: " + origin, e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("an allowed origin is http(s)://host[:port], without path or slash: " + origin);
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        }

        // RFC 9110 §5.6.2 token: method and field names.
        private static String token(String s, String what) {
            if (s == null || s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("not a valid " + what + ": " + s);
            }
            return s;
        }
    }
}
