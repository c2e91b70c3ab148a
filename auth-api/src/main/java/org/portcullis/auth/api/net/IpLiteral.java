package org.portcullis.auth.api.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The one parser of IP-address literals in Portcullis, for client addresses (throttling keys,
 * the audit trail, {@code X-Forwarded-For} hops, trusted-proxy ranges). It never resolves a
 * host name: text that is not a literal is refused before the JDK sees it.
 *
 * <p>Accepted, after stripping surrounding whitespace and one pair of enclosing brackets (RFC 3986
 * §3.2.2 brackets IPv6; around IPv4 they are tolerated, since they change no reading):
 * <ul>
 *   <li>an IPv4 dotted quad: exactly four decimal parts of one to three digits, each at most 255,
 *       and none with a leading zero;</li>
 *   <li>an IPv6 literal (RFC 4291 §2.2) of hex digits and colons, optionally ending in a dotted
 *       quad held to the same IPv4 rules, optionally with a zone id ({@code %eth0}), which is
 *       dropped: it names a local interface, not a client.</li>
 * </ul>
 * Everything else is not a literal: host names, the short and hexadecimal IPv4 forms that
 * {@code inet_aton} accepts ({@code 127.1}, {@code 0x7f.0.0.1}), and IPv4 parts with a leading
 * zero. {@code 010.0.0.1} is octal (8.0.0.1) to some parsers and decimal (10.0.0.1) to others,
 * including the JDK's, so a proxy and this library could disagree about which address it names;
 * refusing it is the only reading that cannot be wrong (the same ambiguity as CVE-2021-29921).
 *
 * <p>Stateless and thread-safe.
 */
public final class IpLiteral {

    /** Longest text looked at, brackets and zone id included; an IPv6 literal has at most 45 characters. */
    public static final int MAX_LENGTH = 64;

    private static final int MAX_ADDRESS = 45;

    private IpLiteral() {
    }

    /**
     * Parses an IP literal.
     *
     * @param text the candidate, may be {@code null}
     * @return the address, empty when {@code text} is not an IP literal by the rules above; an
     *         IPv4-mapped IPv6 literal ({@code ::ffff:192.0.2.1}) gives its IPv4 address
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            byte[] v4 = dottedQuad(s);
            return v4 == null ? Optional.empty() : byAddress(v4);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        return isIpv6Text(s) ? numeric(s) : Optional.empty();
    }

    /** Whether {@code text} is an IP literal by the rules of {@link #parse}. */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    private static boolean isIpv6Text(String s) {
        if (s.isEmpty() || s.length() > MAX_ADDRESS) {
            return false;
        }
        // The JDK looks a name up unless it starts with a hex digit or a colon: keep it that way.
        char first = s.charAt(0);
        if (Character.digit(first, 16) < 0 && first != ':') {
            return false;
        }
        int lastColon = s.lastIndexOf(':');
        for (int i = 0; i < lastColon; i++) {
            if (Character.digit(s.charAt(i), 16) < 0 && s.charAt(i) != ':') {
                return false;
            }
        }
        String tail = s.substring(lastColon + 1);
        if (tail.indexOf('.') >= 0) {
            return dottedQuad(tail) != null;
        }
        for (int i = 0; i < tail.length(); i++) {
            if (Character.digit(tail.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The four bytes of a strict dotted quad, or {@code null}. */
    private static byte[] dottedQuad(String s) {
        if (s.isEmpty() || s.length() > 15) {
            return null;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static Optional<InetAddress> byAddress(byte[] bytes) {
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty(); // only for a wrong length, which cannot happen here
        }
    }

    private static Optional<InetAddress> numeric(String ipv6) {
        try {
            InetAddress a = InetAddress.getByName(ipv6); // numeric by isIpv6Text: parsed, never looked up
            return Optional.of(a);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
