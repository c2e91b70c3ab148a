package org.portcullis.auth.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.portcullis.auth.api.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The answers the transport gives by itself, before or around the handler: a header block over
 * the cap (431), a request line Jetty cannot parse (400), a body that does not arrive in time
 * (408), a failure of ours (500). Each is an RFC 9457 problem in the same shape as the handler's,
 * so that a client sees one error format whichever layer refused it: a 4xx carries the stable
 * code {@code MALFORMED_REQUEST}, a 5xx {@code INTERNAL_ERROR}, and neither carries request data
 * or a stack trace.
 *
 * <p>Installed as the Jetty server's error handler. Stateless and thread-safe.
 */
final class Problem extends ErrorHandler {

    /** The {@code code} of a 5xx the transport gives; the handler uses the same one for its own 500. */
    static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ERROR_STATUS);
        int code = status instanceof Integer i ? i : response.getStatus();
        write(request, response, callback, code < 400 ? 500 : code, detail(code), false);
        return true;
    }

    /** Writes a problem; a HEAD request gets the headers only (RFC 9110 §9.3.2). */
    static void write(Request request, Response response, Callback callback, int status, String detail, boolean close) {
        byte[] body = body(status, detail);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if ("HEAD".equals(request.getMethod())) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** A fixed sentence per status: never the parser's message, which may quote the request. */
    private static String detail(int status) {
        return switch (status) {
            case 400 -> "The request is not valid HTTP.";
            case 408 -> "The request did not arrive in time.";
            case 413 -> "The request is too large.";
            case 414 -> "The request target is too long.";
            case 431 -> "The request headers are too large.";
            case 501 -> "This transfer encoding is not supported.";
            case 505 -> "This HTTP version is not supported.";
            default -> status >= 500 ? "The server failed to process the request." : "The request cannot be served.";
        };
    }

    static byte[] body(int status, String detail) {
        String code = status >= 500 ? INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST.name();
        String type = "urn:portcullis:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-');
        String title = HttpStatus.getMessage(status);
        // Every value here is one of our own constants (no quotes, no backslashes), so no escaping is needed.
        String json = "{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
