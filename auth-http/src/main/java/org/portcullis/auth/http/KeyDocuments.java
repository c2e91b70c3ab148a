package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.PublishedKeys;
import org.portcullis.auth.http.internal.Json;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The two opt-in anonymous documents that let other services verify our tokens: the JWK Set of the
 * public verification keys (RFC 7517 §5, built by the engine) and the authorization-server metadata
 * that names it (RFC 8414 §2, the subset that is true of Portcullis). Both are cacheable for a
 * finite time ({@code Cache-Control: public, max-age}) and carry a strong {@code ETag} derived from
 * their bytes, so a verifier that polls gets a body-less 304 while nothing changed (RFC 9110 §13.1.2,
 * §15.4.5). Thread-safe and stateless.
 */
final class KeyDocuments {

    private static final String JWK_SET_TYPE = "application/jwk-set+json";

    private final AuthService service;
    private final String cacheControl;
    private final Optional<URI> jwksUri;

    /**
     * @param jwksUri the absolute URI the JWK Set is reached at; without it no metadata is served
     */
    KeyDocuments(AuthService service, Duration maxAge, Optional<URI> jwksUri) {
        this.service = service;
        this.cacheControl = "public, max-age=" + maxAge.toSeconds();
        this.jwksUri = jwksUri;
    }

    /** Whether the metadata document can be served: it must name an absolute {@code jwks_uri}. */
    boolean hasMetadata() {
        return jwksUri.isPresent();
    }

    /**
     * Where the JWK Set is, given the handler's public base URI or, without one, the issuer when it
     * is an absolute http(s) URI (RFC 8414 §2: an issuer is such a URI, and §3 puts the metadata under it).
     */
    static Optional<URI> jwksUri(URI publicBase, String issuer) {
        URI base = publicBase;
        if (base == null) {
            try {
                URI i = URI.create(issuer);
                String scheme = i.getScheme() == null ? "" : i.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("https") || scheme.equals("http")) || i.getHost() == null
                        || i.getQuery() != null || i.getFragment() != null) {
                    return Optional.empty();
                }
                base = i;
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String s = base.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return Optional.of(URI.create(s + RouteTable.JWKS));
    }

    AuthHttpResponse jwks(AuthHttpRequest request) {
        PublishedKeys keys = service.publishedKeys();
        return cacheable(request, keys.json().getBytes(StandardCharsets.UTF_8), JWK_SET_TYPE);
    }

    AuthHttpResponse metadata(AuthHttpRequest request) {
        Map<String, Object> m = new LinkedHashMap<>();
        // RFC 8414 §2: issuer is required and must be the tokens' iss (§3.3 has clients compare them).
        m.put("issuer", service.settings().issuer());
        m.put("jwks_uri", jwksUri.orElseThrow().toString());
        // Not an RFC 8414 member (it has none for access tokens); §2 allows additional members. It names
        // the algorithms of the keys published now, so a verifier can pin its allow-list (RFC 8725 §3.1).
        List<String> algorithms = service.publishedKeys().algorithms();
        m.put("access_token_signing_alg_values_supported", algorithms);
        return cacheable(request, Json.write(m), "application/json");
    }

    private AuthHttpResponse cacheable(AuthHttpRequest request, byte[] body, String contentType) {
        String etag = etag(body);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Cache-Control", cacheControl);
        h.put("ETag", etag);
        if (request.header("If-None-Match").map(v -> matches(v, etag)).orElse(false)) {
            // RFC 9110 §15.4.5: a 304 carries the ETag and Cache-Control a 200 would have had.
            return new AuthHttpResponse(304, h, new byte[0]);
        }
        h.put("Content-Type", contentType);
        return new AuthHttpResponse(200, h, body);
    }

    /** A strong validator: 128 bits of the SHA-256 of the exact bytes served. */
    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(d, 16)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * RFC 9110 §13.1.2: If-None-Match is {@code *} or a list of entity tags, compared weakly (a
     * {@code W/} prefix is ignored). Anything unparseable simply does not match: a full 200 is a
     * safe answer to a malformed condition.
     */
    static boolean matches(String header, String etag) {
        String trimmed = header.trim();
        if (trimmed.equals("*")) {
            return true;
        }
        for (String candidate : trimmed.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
