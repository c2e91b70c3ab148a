package org.portcullis.auth.http;

import org.portcullis.auth.http.internal.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The framing every answer gets before it leaves the handler, so that adapters only copy: the
 * representation's {@code Content-Length}, no content for {@code HEAD}, and no content headers on
 * a status that has no content.
 */
final class Responses {

    private Responses() {
    }

    static AuthHttpResponse json(int status, Object body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        return new AuthHttpResponse(status, headers, Json.write(body));
    }

    static AuthHttpResponse noContent() {
        return new AuthHttpResponse(204, Map.of("Cache-Control", "no-store"), new byte[0]);
    }

    /** The response with extra headers; the response's own win a clash. */
    static AuthHttpResponse withHeaders(AuthHttpResponse response, Map<String, String> extra) {
        if (extra.isEmpty()) {
            return response;
        }
        Map<String, String> h = new LinkedHashMap<>(response.headers());
        extra.forEach(h::putIfAbsent);
        return new AuthHttpResponse(response.status(), h, response.body());
    }

    /**
     * Frames a response for the request it answers. RFC 9110 §8.6 and §15.3.5: a 204 (and any 1xx or
     * 304) has no content, so no {@code Content-Type} and no {@code Content-Length}; every other
     * response states its {@code Content-Length}. RFC 9110 §9.3.2: the answer to {@code HEAD} has the
     * same header fields as the answer to {@code GET}, {@code Content-Length} included, and no content.
     */
    static AuthHttpResponse finish(AuthHttpRequest request, AuthHttpResponse response) {
        int status = response.status();
        Map<String, String> h = new LinkedHashMap<>();
        response.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Length")) {
                h.put(k, v);
            }
        });
        if (status < 200 || status == 204 || status == 304) {
            h.keySet().removeIf(k -> k.equalsIgnoreCase("Content-Type"));
            return new AuthHttpResponse(status, h, new byte[0]);
        }
        byte[] body = response.body();
        h.put("Content-Length", Integer.toString(body.length));
        return new AuthHttpResponse(status, h, "HEAD".equals(request.method()) ? new byte[0] : body);
    }
}
