package org.portcullis.auth.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw request path as {@link AccessRules} sees it: its segments after the normalisation a
 * container applies before it picks a servlet or route (RFC 3986 §5.2.4 dot-segment removal,
 * percent-decoding, {@code ;} path parameters and repeated slashes dropped), and whether the raw
 * spelling was already in that form ("plain").
 *
 * <p>Rules are matched on the normalised segments, so that {@code /x/../admin} or {@code /%61dmin}
 * cannot step around a rule on {@code /admin/**}; an anonymous rule applies only to a plain
 * path, so an unusual spelling is never anonymous. Both err on the side of asking for more.
 */
record RequestPath(List<String> segments, boolean plain) {

    static RequestPath of(String raw) {
        String path = raw == null || raw.isEmpty() ? "/" : raw;
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        List<String> rawSegments = PathPattern.split(path);
        boolean plain = true;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rawSegments.size(); i++) {
            String segment = rawSegments.get(i);
            boolean last = i == rawSegments.size() - 1;
            if (segment.indexOf('%') >= 0 || segment.indexOf(';') >= 0 || segment.indexOf('\\') >= 0
                    || segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !last)) {
                plain = false;
            }
            int semicolon = segment.indexOf(';');
            String s = semicolon < 0 ? segment : segment.substring(0, semicolon);
            // An encoded slash or backslash may be taken as a separator by some containers: split on both.
            for (String part : decode(s).replace('\\', '/').split("/", -1)) {
                if (part.equals("..")) {
                    if (!out.isEmpty()) {
                        out.remove(out.size() - 1);
                    }
                } else if (!part.equals(".") && !(part.isEmpty() && !last)) {
                    out.add(part);
                }
            }
        }
        return new RequestPath(List.copyOf(out), plain);
    }

    /** Percent-decodes as UTF-8; a malformed escape leaves the text as it was. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return s;
        }
    }
}
