package org.portcullis.auth.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One path pattern of {@link AccessRules}: literal segments, {@code *} for exactly one non-empty
 * segment, and a final {@code **} for the rest of the path (none, one or many segments). Paths and
 * patterns are compared segment by segment and case-sensitively, as Servlet mappings are.
 *
 * <p>Immutable and thread-safe.
 */
record PathPattern(String text, List<String> segments, boolean tail) {

    private static final String STAR = "*";
    private static final String TAIL = "**";

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static PathPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a path pattern must not be empty");
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/': " + text);
        }
        List<String> segments = split(text);
        boolean tail = !segments.isEmpty() && segments.get(segments.size() - 1).equals(TAIL);
        if (tail) {
            segments = segments.subList(0, segments.size() - 1);
        }
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.equals(TAIL)) {
                throw new IllegalArgumentException("'**' may only end a path pattern: " + text);
            }
            if (s.isEmpty() && i < segments.size() - 1) {
                throw new IllegalArgumentException("a path pattern has no empty segments ('//'): " + text);
            }
            if (s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("a path pattern has no '.' or '..' segments: " + text);
            }
            if (!s.equals(STAR) && !isLiteral(s)) {
                throw new IllegalArgumentException("a path pattern segment is a literal, '*' or a final '**' "
                        + "(no '%', ';', '?', '#', '\\' or partial wildcards): " + text);
            }
        }
        return new PathPattern(text, List.copyOf(segments), tail);
    }

    /** Whether the pattern could match a path whose first segment is {@code first} (compared without case). */
    boolean reachesNamespace(String first) {
        if (segments.isEmpty()) {
            return tail;
        }
        String s = segments.get(0);
        return s.equals(STAR) || s.toLowerCase(Locale.ROOT).equals(first);
    }

    boolean matches(List<String> path) {
        if (tail ? path.size() < segments.size() : path.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            String p = path.get(i);
            if (s.equals(STAR) ? p.isEmpty() : !s.equals(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Positive when this pattern is more specific than {@code other}: compared segment by segment,
     * a literal beats {@code *}, which beats the end of a {@code **} pattern; at equal segments an
     * exact end beats {@code **}.
     */
    int compareSpecificity(PathPattern other) {
        int[] a = weights();
        int[] b = other.weights();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private int[] weights() {
        int[] w = new int[segments.size() + 1];
        for (int i = 0; i < segments.size(); i++) {
            w[i] = segments.get(i).equals(STAR) ? 2 : 3;
        }
        w[segments.size()] = tail ? 0 : 1;
        return w;
    }

    /** The segments of a path or pattern: {@code "/"} has none, {@code "/a/"} has {@code a} and an empty one. */
    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        if (path.equals("/")) {
            return out;
        }
        int start = 1;
        while (true) {
            int slash = path.indexOf('/', start);
            if (slash < 0) {
                out.add(path.substring(start));
                return out;
            }
            out.add(path.substring(start, slash));
            start = slash + 1;
        }
    }

    // RFC 3986 §3.3 pchar, without pct-encoded, ';' (path parameters) and the wildcard.
    private static boolean isLiteral(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()+,=:@".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
