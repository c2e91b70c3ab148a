package org.portcullis.auth.http.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.portcullis.auth.api.net.IpLiteral;

/**
 * Works out the client's IP address for throttling and the audit trail.
 *
 * <p>By default only the socket's peer address counts: {@code X-Forwarded-For} is a request
 * header anyone can write, and trusting it would let an attacker pick the address their failed
 * logins are counted under (OWASP ASVS V2.2.1 throttling would be void). When the operator names
 * trusted proxies (addresses or CIDR ranges), and the peer is one of them, the header is read from
 * right to left, skipping trusted hops: the right-most address that is not a trusted proxy is the
 * client, since everything to its left was written by parties we do not trust. An entry that is
 * not an IP literal ends the walk; the last address reached stands.
 *
 * <p>What counts as an address is decided by {@link IpLiteral}, the parser the engine's throttling
 * uses too: nothing here resolves a host name, and an IPv4 part with a leading zero
 * ({@code 010.0.0.1}, octal to some proxies) is not an address, so it ends the walk and is refused
 * as a trusted proxy. Immutable and thread-safe.
 */
public final class ClientAddresses {

    private final List<Cidr> trusted;

    private ClientAddresses(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** Trust no proxy: the socket address is always the client. */
    public static ClientAddresses socketOnly() {
        return new ClientAddresses(List.of());
    }

    /**
     * Trusts the given proxies, each an IP literal ({@code 10.0.0.5}, {@code ::1}) or a CIDR range
     * ({@code 10.0.0.0/8}, {@code fd00::/8}).
     *
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static ClientAddresses trusting(Collection<String> proxies) {
        List<Cidr> list = new ArrayList<>();
        for (String p : proxies) {
            String s = p.strip();
            if (s.isEmpty()) {
                continue;
            }
            list.add(Cidr.parse(s).orElseThrow(
                    () -> new IllegalArgumentException("not an IP address or CIDR range: " + s)));
        }
        return new ClientAddresses(list);
    }

    /** Whether any proxy is trusted. */
    public boolean trustsProxies() {
        return !trusted.isEmpty();
    }

    /**
     * The client address of a request.
     *
     * @param socketAddress   the peer's IP address as text (may be {@code null} or empty when unknown)
     * @param forwardedValues every {@code X-Forwarded-For} header value, in the order received
     * @return the client address as text, {@code ""} when unknown
     */
    public String resolve(String socketAddress, List<String> forwardedValues) {
        String peer = socketAddress == null ? "" : socketAddress.strip();
        // A zone id in the peer address says nothing about the client; IpLiteral drops it.
        Optional<InetAddress> peerIp = IpLiteral.parse(peer);
        if (peerIp.isEmpty()) {
            return peer;
        }
        String client = peerIp.get().getHostAddress();
        if (trusted.isEmpty() || !isTrusted(peerIp.get()) || forwardedValues == null) {
            return client;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedValues) {
            for (String part : value.split(",", -1)) {
                hops.add(part.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = IpLiteral.parse(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get().getHostAddress();
            if (!isTrusted(hop.get())) {
                break;
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private record Cidr(byte[] network, int prefix) {

        static Optional<Cidr> parse(String s) {
            int slash = s.indexOf('/');
            Optional<InetAddress> ip = IpLiteral.parse(slash < 0 ? s : s.substring(0, slash));
            if (ip.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = ip.get().getAddress();
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                String p = s.substring(slash + 1);
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    return Optional.empty();
                }
                prefix = Integer.parseInt(p);
                if (prefix > bytes.length * 8) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Cidr(bytes, prefix));
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }
}
