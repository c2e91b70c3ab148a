package org.portcullis.auth.api.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("an IP literal")
class IpLiteralTest {

    private static String text(String literal) {
        return IpLiteral.parse(literal).map(InetAddress::getHostAddress).orElse("not a literal");
    }

    @Nested
    @DisplayName("is accepted")
    class Accepted {

        @Test
        @DisplayName("as a dotted quad, also with zero parts and surrounding spaces")
        void ipv4() {
            assertThat(text("192.0.2.1")).isEqualTo("192.0.2.1");
            assertThat(text("0.0.0.0")).isEqualTo("0.0.0.0");
            assertThat(text("255.255.255.255")).isEqualTo("255.255.255.255");
            assertThat(text("  198.51.100.7\t")).isEqualTo("198.51.100.7");
            assertThat(text("[192.0.2.1]")).isEqualTo("192.0.2.1");
        }

        @Test
        @DisplayName("as IPv6, compressed or not, in either case, and bracketed")
        void ipv6() {
            assertThat(text("2001:db8::5")).isEqualTo("2001:db8:0:0:0:0:0:5");
            assertThat(text("2001:DB8:0:0:0:0:0:5")).isEqualTo("2001:db8:0:0:0:0:0:5");
            assertThat(text("[2001:db8::5]")).isEqualTo("2001:db8:0:0:0:0:0:5");
            assertThat(text("::1")).isEqualTo("0:0:0:0:0:0:0:1");
        }

        @Test
        @DisplayName("with a zone id, which is dropped")
        void zone() {
            assertThat(text("fd12::1%3")).isEqualTo("fd12:0:0:0:0:0:0:1");
            assertThat(text("[fe80::1%eth0]")).isEqualTo("fe80:0:0:0:0:0:0:1");
        }

        @Test
        @DisplayName("IPv4-mapped IPv6 in any spelling is the IPv4 address")
        void mapped() {
            for (String spelling : new String[] {"::ffff:198.51.100.66", "::FFFF:c633:6442", "0:0:0:0:0:ffff:c633:6442",
                    "[::ffff:198.51.100.66]"}) {
                assertThat(IpLiteral.parse(spelling)).as(spelling).get().isInstanceOf(Inet4Address.class);
                assertThat(text(spelling)).as(spelling).isEqualTo("198.51.100.66");
            }
        }
    }

    @Nested
    @DisplayName("is refused")
    class Refused {

        @ParameterizedTest(name = "\"{0}\" (ambiguous leading zero)")
        @ValueSource(strings = {"010.0.0.1", "10.0.0.01", "192.168.001.1", "00.0.0.0", "::ffff:010.0.0.1", "[010.1.1.1]"})
        @DisplayName("with a leading zero in an IPv4 part: octal to some parsers, decimal to others")
        void leadingZero(String s) {
            assertThat(IpLiteral.parse(s)).isEmpty();
            assertThat(IpLiteral.isLiteral(s)).isFalse();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.1000", "127.1", "0x7f.0.0.1",
                "1.2.3.4%eth0", "1..2.3", "-1.2.3.4", "+1.2.3.4", "1.2.3.4/8", "2001:db8::g", ":::", "1:2:3:4:5:6:7:8:9",
                ".1::", "[]", "[1.2.3.4", "::ffff:1.2.3", "１.２.３.４"})
        @DisplayName("when malformed")
        void malformed(String s) {
            assertThat(IpLiteral.parse(s)).isEmpty();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"localhost", "evil.example", "proxy.example.com", "a::b.example"})
        @DisplayName("as a host name, which is never looked up")
        void hostNames(String s) {
            assertThat(IpLiteral.parse(s)).isEmpty();
        }

        @Test
        @DisplayName("when null or longer than any literal")
        void nullOrLong() {
            assertThat(IpLiteral.parse(null)).isEmpty();
            assertThat(IpLiteral.parse("1".repeat(IpLiteral.MAX_LENGTH + 1))).isEmpty();
            assertThat(IpLiteral.parse("::" + "0:".repeat(30) + "1")).isEmpty();
        }
    }
}
