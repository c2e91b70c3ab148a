package org.portcullis.auth.http.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The client address")
class ClientAddressesTest {

    private final ClientAddresses proxies = ClientAddresses.trusting(List.of("10.0.0.0/8", "192.0.2.1", "fd00::/8"));

    @Test
    @DisplayName("is the socket address when no proxy is trusted, whatever X-Forwarded-For says")
    void socketOnly() {
        assertThat(ClientAddresses.socketOnly().resolve("10.0.0.2", List.of("203.0.113.9"))).isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("is the socket address when the peer is not a trusted proxy")
    void untrustedPeer() {
        assertThat(proxies.resolve("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
    }

    @Test
    @DisplayName("is the right-most untrusted X-Forwarded-For entry behind trusted proxies")
    void rightMostUntrusted() {
        assertThat(proxies.resolve("10.0.0.2", List.of("1.1.1.1, 203.0.113.9", "10.9.9.9, 192.0.2.1")))
                .isEqualTo("203.0.113.9");
    }

    @Test
    @DisplayName("is the left-most entry when every hop is trusted")
    void allTrusted() {
        assertThat(proxies.resolve("10.0.0.2", List.of("10.1.1.1, 10.2.2.2"))).isEqualTo("10.1.1.1");
    }

    @Test
    @DisplayName("stops at an entry that is not an IP literal and keeps the last address reached")
    void garbage() {
        assertThat(proxies.resolve("10.0.0.2", List.of("203.0.113.9, evil.example, 10.3.3.3"))).isEqualTo("10.3.3.3");
        assertThat(proxies.resolve("10.0.0.2", List.of("1.2.3"))).isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("understands IPv6 ranges, bracketed literals and scope ids")
    void ipv6() {
        assertThat(proxies.resolve("fd12::1%3", List.of("[2001:db8::5]"))).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    @DisplayName("refuses a trusted-proxy entry that is not an address or a range, without resolving names")
    void badConfig() {
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.example.com");
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("treats an IPv4 part with a leading zero as no address: it ends the walk and is no trusted proxy")
    void leadingZero() {
        // 010.0.0.1 is 8.0.0.1 to an octal-reading proxy and 10.0.0.1 to the JDK: neither reading is taken.
        assertThat(proxies.resolve("10.0.0.2", List.of("203.0.113.9, 010.9.9.9"))).isEqualTo("10.0.0.2");
        assertThat(proxies.resolve("010.0.0.2", List.of("203.0.113.9"))).isEqualTo("010.0.0.2");
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("010.0.0.0/8")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("010.0.0.0/8");
    }

    @Test
    @DisplayName("reads IPv4-mapped and bracketed spellings of one address as that address")
    void spellings() {
        assertThat(proxies.resolve("::ffff:10.0.0.2", List.of("[::ffff:203.0.113.9]"))).isEqualTo("203.0.113.9");
    }
}
