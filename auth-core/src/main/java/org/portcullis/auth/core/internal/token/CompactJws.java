package org.portcullis.auth.core.internal.token;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The one accepted spelling of a signed token, checked before any JOSE library sees it. A JWS
 * compact serialisation (RFC 7515 §7.1, the only one a JWT may use, RFC 7519 §7.2) is three
 * segments joined by dots, each base64url without padding (RFC 7515 §2). Decoders are forgiving
 * in ways that give one token many strings: they skip characters outside the alphabet, accept
 * padding or the standard alphabet, ignore the unused low bits of the last character, and replace
 * invalid UTF-8. Here a segment is accepted only if encoding its bytes again would give back the
 * same text (only alphabet characters, a possible length, zero unused bits), and the header and
 * payload must be valid UTF-8 (decoded with {@link CodingErrorAction#REPORT}) holding strict JSON without duplicate members ({@link StrictJson}). So a signature binds one
 * string, and a cache keyed by that string cannot be reached by another.
 *
 * <p>An encrypted token (a JWE compact serialisation, RFC 7516 §7.1: five segments) is held to the
 * same spelling by {@link #splitJwe}; only its encrypted key may be empty (RFC 7516 §7.1, for
 * {@code alg: dir}, RFC 7518 §4.5).
 *
 * <p>Stateless and thread-safe.
 */
public final class CompactJws {

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Why a token has no acceptable spelling; the message names the rule, never the token. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String rule) {
            super(rule, null, false, false);
        }
    }

    /**
     * The three segments as they were written, what they decode to, and the signing input.
     *
     * @param header         the protected header segment
     * @param payload        the payload segment
     * @param signature      the signature segment
     * @param headerMembers  the header, strictly parsed ({@link StrictJson#parseObject})
     * @param claims         the claims set, strictly parsed
     * @param signingInput   the ASCII bytes of {@code header.payload} (RFC 7515 §5.2 step 8)
     * @param signatureBytes the decoded signature
     */
    record Parts(String header, String payload, String signature, Map<String, Object> headerMembers,
                 Map<String, Object> claims, byte[] signingInput, byte[] signatureBytes) {

        /** The header's member names, unescaped. */
        Set<String> headerNames() {
            return headerMembers.keySet();
        }

        @Override
        public String toString() {
            return "Parts[***]";
        }
    }

    /**
     * The five segments of a JWE compact serialisation as they were written, and the member names of
     * its protected header.
     */
    record JweParts(String header, String encryptedKey, String iv, String ciphertext, String tag,
                    Set<String> headerNames) {
        @Override
        public String toString() {
            return "JweParts[***]";
        }
    }

    private CompactJws() {
    }

    /** How many dots {@code token} holds: 2 for a compact JWS, 4 for a compact JWE; stops counting at 5. */
    static int dots(String token) {
        int n = 0;
        for (int i = token.indexOf('.'); i >= 0 && n < 5; i = token.indexOf('.', i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * @throws Refused unless {@code token} is a JWE compact serialisation in the one accepted spelling
     */
    static JweParts splitJwe(String token) {
        String[] seg = new String[5];
        int from = 0;
        for (int k = 0; k < 4; k++) {
            int dot = token.indexOf('.', from);
            if (dot < 0) {
                throw new Refused("not five segments");
            }
            seg[k] = token.substring(from, dot);
            from = dot + 1;
        }
        seg[4] = token.substring(from);
        if (seg[4].indexOf('.') >= 0) {
            throw new Refused("not five segments");
        }
        String headerJson = utf8(canonical(seg[0]));
        if (!seg[1].isEmpty()) {
            canonical(seg[1]);
        }
        canonical(seg[2]);
        canonical(seg[3]);
        canonical(seg[4]);
        Set<String> names;
        try {
            names = StrictJson.objectMemberNames(headerJson);
        } catch (StrictJson.Malformed e) {
            throw new Refused("json: " + e.getMessage());
        }
        return new JweParts(seg[0], seg[1], seg[2], seg[3], seg[4], names);
    }

    /**
     * @throws Refused unless {@code token} is in the one accepted spelling
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) on ASCII text, see below
    static Parts split(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new Refused("not three segments");
        }
        String h = token.substring(0, first);
        String p = token.substring(first + 1, second);
        String s = token.substring(second + 1);
        String headerJson = utf8(canonical(h));
        String payloadJson = utf8(canonical(p));
        // An empty signature is an unsecured JWS (RFC 7519 §6): never ours.
        byte[] signature = canonical(s);
        Map<String, Object> header;
        Map<String, Object> claims;
        try {
            header = StrictJson.parseObject(headerJson);
            claims = StrictJson.parseObject(payloadJson);
        } catch (StrictJson.Malformed e) {
            throw new Refused("json: " + e.getMessage());
        }
        // Every character was checked to be in the base64url alphabet, so one char is one ASCII byte
        // and the low-byte copy (deprecated for text in general, exact for ASCII) is the encoding.
        byte[] input = new byte[second];
        token.getBytes(0, second, input, 0);
        return new Parts(h, p, s, header, claims, input, signature);
    }

    /** The bytes of a non-empty segment that is the unpadded base64url encoding of exactly those bytes. */
    private static byte[] canonical(String segment) {
        if (segment.isEmpty()) {
            throw new Refused("empty segment");
        }
        if (!isBase64Url(segment, false)) {
            // RFC 7515 §2: base64url, no padding, no whitespace, no other characters.
            throw new Refused("not base64url");
        }
        // Catches what the alphabet check cannot: a length no encoding has, or set bits in the last
        // character's unused low bits (RFC 4648 §3.5 asks encoders to leave them zero). Equivalent to
        // encoding the decoded bytes again and comparing, without building that second string.
        int unusedBits = switch (segment.length() % 4) {
            case 2 -> 4;
            case 3 -> 2;
            case 0 -> 0;
            default -> throw new Refused("not base64url");
        };
        if ((sextet(segment.charAt(segment.length() - 1)) & ((1 << unusedBits) - 1)) != 0) {
            throw new Refused("non-canonical base64url");
        }
        try {
            return DECODER.decode(segment);
        } catch (IllegalArgumentException e) {
            throw new Refused("not base64url");
        }
    }

    /** Which ASCII characters are in the base64url alphabet (RFC 4648 §5), indexed by character. */
    private static final boolean[] BASE64URL = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64URL[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            BASE64URL[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64URL[c] = true;
        }
        BASE64URL['-'] = true;
        BASE64URL['_'] = true;
    }

    /**
     * Whether every character of {@code s} is in the base64url alphabet, or, when {@code dots}, is
     * that or a dot (the compact serialisation's alphabet, RFC 7515 §7.1). One table look-up per
     * character.
     */
    public static boolean isBase64Url(String s, boolean dots) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c >= 128 || !(BASE64URL[c] || (dots && c == '.'))) {
                return false;
            }
        }
        return true;
    }

    /** The 6-bit value of a base64url character already checked to be in the alphabet (RFC 4648 §5). */
    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    /**
     * {@code bytes} as UTF-8, refusing invalid sequences rather than replacing them (RFC 8725 §3.7).
     *
     * @throws Refused when they are not valid UTF-8
     */
    static String utf8(byte[] bytes) {
        // Almost every header and claims set is ASCII, which is valid UTF-8 as it stands.
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Refused("invalid UTF-8");
        }
    }
}
