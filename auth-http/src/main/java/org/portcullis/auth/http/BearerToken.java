package org.portcullis.auth.http;

import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.Problems;

import java.util.List;

/**
 * The access token of an {@code Authorization: Bearer} header (RFC 6750 §2.1), or the 401 that
 * refuses the header. Exactly one of the two is set. A value outside the {@code b64token} syntax
 * is refused here, before any token parser sees it; only SP and HTAB are trimmed.
 */
record BearerToken(String token, AuthHttpResponse refusal) {

    private static final String SCHEME = "bearer";

    static BearerToken from(List<String> authorization) {
        if (authorization.isEmpty()) {
            return refuse(Problems.of(ErrorCode.TOKEN_MISSING));
        }
        if (authorization.size() > 1) {
            return refuse(Problems.malformedAuthorization("Send exactly one Authorization header."));
        }
        // RFC 9110 §5.5: only SP and HTAB surround a field value. String.strip() would also drop
        // control characters and Unicode spaces, giving one token many accepted spellings.
        String value = trimOws(authorization.get(0) == null ? "" : authorization.get(0));
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.equalsIgnoreCase(SCHEME)) {
            // Another scheme (Basic, say) is no bearer token at all: "missing", as RFC 6750 §3.1 sees it.
            return refuse(Problems.of(ErrorCode.TOKEN_MISSING));
        }
        // RFC 6750 §2.1: "Bearer" 1*SP b64token; the b64token check below refuses anything else.
        int start = space < 0 ? value.length() : space;
        while (start < value.length() && value.charAt(start) == ' ') {
            start++;
        }
        String token = value.substring(start);
        if (token.isEmpty() || !isB64Token(token)) {
            return refuse(Problems.malformedAuthorization("The Authorization header is not a well-formed bearer credential."));
        }
        return new BearerToken(token, null);
    }

    // RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    private static boolean isB64Token(String s) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                break;
            }
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private static BearerToken refuse(AuthHttpResponse response) {
        return new BearerToken(null, response);
    }

    @Override
    public String toString() {
        return "BearerToken[" + (token == null ? "refused" : "***") + "]";
    }
}
