package org.portcullis.auth.api.text;

/**
 * The one neutraliser of untrusted text bound for a log line in Portcullis (usernames, user
 * agents, client addresses, request paths). A log line must stay one line and read as what it is
 * (OWASP ASVS V7.3.1, log injection; CWE-117): every code point that could end a line, or make a
 * line look other than it is, becomes {@code '?'}:
 * <ul>
 *   <li>control characters, C0 and C1 (CR, LF, NEL, ESC and the terminal escapes it starts, DEL);</li>
 *   <li>Unicode line and paragraph separators (U+2028, U+2029), which end a line in many viewers;</li>
 *   <li>format characters: bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 *       which reorder what a reader sees (CVE-2021-42574), zero-width characters, the byte order
 *       mark and the invisible tag characters;</li>
 *   <li>a lone surrogate, which is no character at all.</li>
 * </ul>
 * Everything else, other scripts and emoji included, is kept as it is. Stateless and thread-safe.
 */
public final class LogText {

    private LogText() {
    }

    /**
     * The text with every unsafe code point replaced by {@code '?'}; {@code "-"} for {@code null}.
     */
    public static String neutralise(String text) {
        return neutralise(text, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #neutralise(String)}, keeping at most {@code maxCodePoints} code points and
     * marking a cut with {@code "..."}, so one request cannot flood a log.
     *
     * @throws IllegalArgumentException if {@code maxCodePoints} is below 1
     */
    public static String neutralise(String text, int maxCodePoints) {
        if (maxCodePoints < 1) {
            throw new IllegalArgumentException("maxCodePoints must be at least 1: " + maxCodePoints);
        }
        if (text == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), 256));
        int kept = 0;
        for (int i = 0; i < text.length(); ) {
            if (kept == maxCodePoints) {
                return b.append("...").toString();
            }
            int cp = text.codePointAt(i);
            if (isUnsafe(cp)) {
                b.append('?');
            } else {
                b.appendCodePoint(cp);
            }
            kept++;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static boolean isUnsafe(int cp) {
        int type = Character.getType(cp);
        return Character.isISOControl(cp) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT || type == Character.SURROGATE;
    }
}
