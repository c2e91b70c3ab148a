package org.portcullis.auth.http;

import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.Json;
import org.portcullis.auth.http.internal.Problems;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a request body as a flat JSON object of strings, within a size cap, or names the 400,
 * 413 or 415 that refuses it. Thread-safe; holds only the cap.
 */
final class JsonBodies {

    /** A body, read and parsed, or the problem response that refuses it; exactly one is set. */
    record Body(Map<String, String> members, AuthHttpResponse refusal) {
    }

    private final int maxBodyBytes;

    JsonBodies(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    Body read(AuthHttpRequest request, Set<String> wanted) {
        String encoding = request.header("Content-Encoding").orElse("identity").strip();
        if (!encoding.equalsIgnoreCase("identity")) {
            return refuse(415, "Compressed request bodies are not accepted.");
        }
        String contentType = request.header("Content-Type").orElse("");
        if (!isJsonUtf8(contentType)) {
            return refuse(415, "The request body must be application/json in UTF-8.");
        }
        List<String> lengths = request.headers("Content-Length");
        if (!lengths.isEmpty()) {
            long declared;
            try {
                declared = Long.parseLong(lengths.get(0).strip());
            } catch (NumberFormatException e) {
                return refuse(400, "The Content-Length header is not a number.");
            }
            if (declared > maxBodyBytes) {
                return tooLarge();
            }
        }
        byte[] bytes;
        try {
            bytes = request.body().readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            return refuse(400, "The request body could not be read.");
        }
        if (bytes.length > maxBodyBytes) {
            return tooLarge();
        }
        if (bytes.length == 0) {
            return refuse(400, "A JSON request body is required.");
        }
        try {
            return new Body(Json.readStringMembers(bytes, wanted), null);
        } catch (Json.MalformedJsonException e) {
            return refuse(400, e.getMessage());
        }
    }

    private Body tooLarge() {
        return refuse(413, "The request body is larger than " + maxBodyBytes + " bytes.");
    }

    private static Body refuse(int status, String detail) {
        return new Body(Map.of(), Problems.of(status, ErrorCode.MALFORMED_REQUEST, detail));
    }

    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8; a declared charset must say so.
    private static boolean isJsonUtf8(String contentType) {
        String[] parts = contentType.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                String cs = p.substring("charset=".length()).replace("\"", "").strip();
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
