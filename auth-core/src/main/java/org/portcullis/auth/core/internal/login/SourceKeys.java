package org.portcullis.auth.core.internal.login;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The throttling key of a client address. One address has many spellings ({@code 192.0.2.1},
 * {@code ::ffff:192.0.2.1}, {@code 0:0:0:0:0:ffff:c000:201}), and one IPv6 subscriber usually holds
 * a whole /64: counting per spelling or per IPv6 address would let one source spread its failures
 * over as many counters as it likes (OWASP ASVS V2.2.1; NIST SP 800-63B §5.2.2). So an IPv4 address
 * (also IPv4-mapped) is counted in dotted form, and an IPv6 address by its /64 prefix. Text that is
 * not an IP literal (an application's own label for a client) is counted as given, lower-cased.
 * Nothing here resolves a host name. Stateless.
 */
final class SourceKeys {

    private static final int MAX_LITERAL = 64;

    private SourceKeys() {
    }

    static String of(String ip) {
        String s = ip.strip();
        if (s.startsWith("[") && s.endsWith("]") && s.length() > 2) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone > 0) {
            s = s.substring(0, zone);
        }
        if (!looksLiteral(s)) {
            return ip.strip().toLowerCase(Locale.ROOT);
        }
        InetAddress a;
        try {
            a = InetAddress.getByName(s); // a literal by looksLiteral: parsed, never resolved
        } catch (UnknownHostException e) {
            return ip.strip().toLowerCase(Locale.ROOT);
        }
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            sb.append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF))).append(':');
        }
        return sb.append(":/64").toString();
    }

    private static boolean looksLiteral(String s) {
        if (s.isEmpty() || s.length() > MAX_LITERAL) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.')) {
                    return false;
                }
            }
            return true;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            // At most three digits, and no leading zero: "010" is octal to some parsers and decimal to others.
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
