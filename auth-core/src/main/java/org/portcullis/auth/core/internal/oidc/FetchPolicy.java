package org.portcullis.auth.core.internal.oidc;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

import org.portcullis.auth.api.net.IpLiteral;

/** Which addresses a provider's documents may be fetched from. Stateless. */
public final class FetchPolicy {

    private FetchPolicy() {
    }

    /**
     * Whether {@code uri} may be fetched: {@code https}, or {@code http} to a loopback host.
     * OpenID Connect Discovery §4 and Core §16.17 require TLS for the discovery document and the
     * keys; plain HTTP to loopback only lets tests run a provider in-process.
     */
    public static boolean secureOrLoopback(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || uri.getUserInfo() != null) {
            return false;
        }
        if (scheme.equals("https")) {
            return true;
        }
        if (!scheme.equals("http")) {
            return false;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.equalsIgnoreCase("localhost")
                || IpLiteral.parse(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }
}
