package org.portcullis.auth.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.auth.http.HandlerFixture.call;
import static org.portcullis.auth.http.HandlerFixture.map;
import static org.portcullis.auth.http.TestUsers.ALICE;
import static org.portcullis.auth.http.TestUsers.ALICE_PASSWORD;

/**
 * An adversarial review of the handler against RFC 6750 §3, RFC 9457 and OWASP ASVS V2.2 / V7:
 * spoofed client addresses, credentials sent where none is needed, and input that tries to come
 * back out in a response or a header.
 */
@DisplayName("Hostile requests to the handler")
class HostileRequestsTest {

    private final HandlerFixture f = new HandlerFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private AuthHttpResponse wrongLogin(String forwardedFor) {
        HandlerFixture.Call c = call("POST", "/user/login").from("192.0.2.50")
                .json("{\"username\":\"alice\",\"password\":\"guess\"}");
        if (forwardedFor != null) {
            c.header("X-Forwarded-For", forwardedFor);
        }
        return f.send(c);
    }

    @Nested
    @DisplayName("client address")
    class Address {

        @Test
        @DisplayName("with no trusted proxy, a new X-Forwarded-For on every guess does not escape throttling")
        void rotatingForwardedFor() {
            for (int i = 0; i < 5; i++) {
                assertThat(wrongLogin("198.51.100." + i).status()).isEqualTo(401);
            }
            AuthHttpResponse r = wrongLogin("198.51.100.200");
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("Retry-After")).isPresent();
            assertThat(f.stores.audit()).isInstanceOfSatisfying(org.portcullis.auth.store.memory.InMemoryAuditLog.class,
                    log -> assertThat(log.events()).filteredOn(e -> e.type() == AuditEventType.LOGIN_FAILED)
                            .extracting(org.portcullis.auth.api.AuditEvent::clientIp).containsOnly("192.0.2.50"));
        }

        @Test
        @DisplayName("a trusted proxy's client cannot pick its address by writing X-Forwarded-For entries to the left")
        void spoofedBehindProxy() {
            try (HandlerFixture proxied = new HandlerFixture(b -> b.trustedProxies(List.of("10.0.0.0/8")))) {
                AuthHttpRequest r = call("POST", "/user/login").from("10.0.0.7")
                        .header("X-Forwarded-For", "127.0.0.1, 203.0.113.77").build();
                assertThat(proxied.handler.clientInfo(r).ip()).isEqualTo("203.0.113.77");
            }
        }
    }

    @Nested
    @DisplayName("credentials where none is needed")
    class Anonymous {

        @Test
        @DisplayName("the anonymous endpoints ignore an Authorization header, however broken: it is not theirs to judge")
        void ignored() {
            for (String header : List.of("Bearer not-a-token", "Bearer", "Bearer a\"b", "Basic YWxpY2U6eA==")) {
                AuthHttpResponse login = f.send(call("POST", "/user/login").header("Authorization", header)
                        .json("{\"username\":\"" + ALICE + "\",\"password\":\"" + ALICE_PASSWORD + "\"}"));
                assertThat(login.status()).as(header).isEqualTo(200);
                assertThat(f.send(call("GET", "/common/HealthCheck").header("Authorization", header)).status()).isEqualTo(200);
                assertThat(f.send(call("GET", "/common/lookup").header("Authorization", header)).status()).isEqualTo(200);
            }
        }

        @Test
        @DisplayName("a HEAD refused for want of a token carries no content either (RFC 9110 §9.3.2)")
        void headRefused() {
            AuthHttpResponse r = f.send(call("HEAD", "/user/me"));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isPresent();
            assertThat(r.body()).isEmpty();
        }

        @Test
        @DisplayName("refreshToken with a well-formed but forged bearer token is a 401, never a pass")
        void refreshWithForgedToken() {
            Map<String, Object> tokens = f.login(ALICE, ALICE_PASSWORD);
            AuthHttpResponse r = f.send(call("POST", "/user/refreshToken").bearer("eyJhbGciOiJub25lIn0.e30.")
                    .json("{\"refreshToken\":\"" + tokens.get("refreshToken") + "\"}"));
            assertThat(r.status()).isEqualTo(401);
            assertThat(map(r)).containsEntry("code", "TOKEN_INVALID");
        }
    }

    @Nested
    @DisplayName("input coming back out")
    class Echo {

        private static final String MARK = "<script>x</script>";

        private List<AuthHttpResponse> hostile(String token) {
            List<AuthHttpResponse> out = new ArrayList<>();
            out.add(f.send(call("POST", "/user/login").json("{\"" + MARK + "\":1,\"username\":\"" + MARK + "\",\"password\":\"p\"}")));
            out.add(f.send(call("POST", "/user/login").json("{\"username\":{\"" + MARK + "\":1},\"password\":\"p\"}")));
            out.add(f.send(call("POST", "/user/login").json("{\"username\":\"" + MARK + "\"," + MARK + "}")));
            out.add(f.send(call("POST", "/user/login").header("Content-Type", "text/" + MARK).body(MARK.getBytes())));
            out.add(f.send(call("GET", "/user/" + MARK).bearer(token)));
            out.add(f.send(call("DELETE", "/user/sessions/" + MARK).bearer(token)));
            out.add(f.send(call("GET", "/user/" + MARK)));
            out.add(f.send(call("POST", "/user/refreshToken").bearer(token).json("{\"refreshToken\":\"" + MARK + "\"}")));
            out.add(f.send(call("GET", "/user/me").header("Authorization", "Bearer " + MARK)));
            out.add(f.send(call("POST", "/user/login").header("User-Agent", "ua\r\nSet-Cookie: " + MARK)
                    .json("{\"username\":\"x\r\nSet-Cookie: a\",\"password\":\"p\"}")));
            return out;
        }

        @Test
        @DisplayName("no problem body repeats what the request said (RFC 9457 §3.1.4: detail is for the client, not an echo)")
        void noEcho() {
            String token = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            for (AuthHttpResponse r : hostile(token)) {
                assertThat(r.status()).isBetween(400, 499);
                assertThat(r.bodyText()).doesNotContain("<script>").doesNotContain("Set-Cookie");
            }
        }

        @Test
        @DisplayName("no response header carries request data, a CR or an LF (no response splitting)")
        void noSplitting() {
            String token = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            for (AuthHttpResponse r : hostile(token)) {
                assertThat(r.headers()).doesNotContainKey("Set-Cookie");
                r.headers().forEach((name, value) -> assertThat(value).as(name)
                        .doesNotContain("\r").doesNotContain("\n").doesNotContain("<script>"));
            }
        }
    }

    /**
     * RFC 6750 §2.1: {@code credentials = "Bearer" 1*SP b64token}. Only SP and HTAB may surround
     * a field value (RFC 9110 §5.5); anything else around or inside the token is not the token.
     */
    @Nested
    @DisplayName("the bearer credential has one spelling")
    class BearerSpelling {

        @Test
        @DisplayName("a valid token wrapped in other whitespace or control characters is refused, not trimmed")
        void wrapped() {
            String token = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            assertThat(f.send(call("GET", "/user/me").bearer(token)).status()).isEqualTo(200);
            assertThat(f.send(call("GET", "/user/me").header("Authorization", "Bearer  " + token + " \t")).status())
                    .as("SP and HTAB are optional whitespace").isEqualTo(200);
            for (String c : List.of("\u001f", "\u000b", "\u000c", "\u001c", "\u2003", "\u3000", "\u0085", "\u00a0")) {
                for (String header : List.of("Bearer " + token + c, c + "Bearer " + token, "Bearer " + c + token)) {
                    AuthHttpResponse r = f.send(call("GET", "/user/me").header("Authorization", header));
                    assertThat(r.status()).as("U+%04X", (int) c.charAt(0)).isEqualTo(401);
                    assertThat(map(r).get("code")).isIn("TOKEN_INVALID", "TOKEN_MISSING");
                }
            }
        }

        @Test
        @DisplayName("token68 characters our tokens never use (+ / ~ =) reach no parser: TOKEN_INVALID")
        void foreignToken68() {
            String token = (String) f.login(ALICE, ALICE_PASSWORD).get("accessToken");
            for (String t : List.of(token + "=", token + "==", token.replace('-', '+').replace('_', '/'), "~" + token)) {
                if (t.equals(token)) {
                    continue;
                }
                AuthHttpResponse r = f.send(call("GET", "/user/me").bearer(t));
                assertThat(r.status()).isEqualTo(401);
                assertThat(map(r)).containsEntry("code", "TOKEN_INVALID");
            }
        }
    }
}
