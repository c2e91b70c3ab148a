package org.portcullis.auth.core.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

import org.portcullis.auth.api.net.IpLiteral;

/**
 * The throttling key of a client address. One address has many spellings ({@code 192.0.2.1},
 * {@code ::ffff:192.0.2.1}, {@code 0:0:0:0:0:ffff:c000:201}), and one IPv6 subscriber usually holds
 * a whole /64: counting per spelling or per IPv6 address would let one source spread its failures
 * over as many counters as it likes (OWASP ASVS V2.2.1; NIST SP 800-63B §5.2.2). So an IPv4 address
 * (also IPv4-mapped) is counted in dotted form, and an IPv6 address by its /64 prefix. Text that is
 * not an IP literal by {@link IpLiteral} (an application's own label for a client, or an ambiguous
 * spelling such as {@code 010.0.0.1}) is counted as given, lower-cased. Nothing here resolves a host
 * name. Stateless.
 */
public final class SourceKeys {

    private SourceKeys() {
    }

    /** The counting key of {@code ip}. */
    public static String of(String ip) {
        Optional<InetAddress> literal = IpLiteral.parse(ip);
        if (literal.isEmpty()) {
            return ip.strip().toLowerCase(Locale.ROOT);
        }
        InetAddress a = literal.get();
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
}
