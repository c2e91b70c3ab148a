package org.portcullis.auth.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the throttling key of a client address")
class SourceKeysTest {

    @Test
    @DisplayName("is the dotted quad for every spelling of one IPv4 address")
    void ipv4Spellings() {
        for (String s : new String[] {"198.51.100.66", " 198.51.100.66 ", "::ffff:198.51.100.66", "::FFFF:c633:6442",
                "0:0:0:0:0:ffff:c633:6442", "[::ffff:198.51.100.66]"}) {
            assertThat(SourceKeys.of(s)).as(s).isEqualTo("198.51.100.66");
        }
    }

    @Test
    @DisplayName("is the /64 prefix for IPv6, whatever the interface id, zone or brackets")
    void ipv6Prefix() {
        assertThat(SourceKeys.of("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SourceKeys.of("[2001:DB8:1:2:ffff:0:0:9]")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SourceKeys.of("2001:db8:1:2::7%eth0")).isEqualTo("2001:db8:1:2::/64");
    }

    @Test
    @DisplayName("is the text as given, lower-cased, for a label or an ambiguous leading-zero spelling")
    void notLiterals() {
        assertThat(SourceKeys.of("Kiosk-7")).isEqualTo("kiosk-7");
        assertThat(SourceKeys.of("010.0.0.1")).isEqualTo("010.0.0.1").isNotEqualTo(SourceKeys.of("10.0.0.1"));
        assertThat(SourceKeys.of("localhost")).isEqualTo("localhost");
    }
}
