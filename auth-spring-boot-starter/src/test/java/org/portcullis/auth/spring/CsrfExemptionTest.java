package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application chain that keeps CSRF protection on and also offers HTTP Basic: the configurer
 * exempts only requests whose {@code Authorization} uses the {@code Bearer} scheme. A browser never
 * attaches a bearer token by itself (RFC 6750 §2.1), but it does replay cached Basic credentials on
 * a cross-site form post (RFC 7617 §2.2), so a Basic request must still show a CSRF token.
 */
@SpringBootTest(classes = CsrfExemptionTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.datasource.url=jdbc:h2:mem:csrf-exemption;DB_CLOSE_DELAY=-1",
                "portcullis.store.key-encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "portcullis.security.public-paths=/public/**",
                "portcullis.cleanup.interval=0s"})
@DisplayName("with CSRF protection on, only bearer requests skip it")
class CsrfExemptionTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {
        @Bean
        PasswordHasher passwordHasher() {
            return PasswordHasher.withParameters(64, 1, 1);
        }

        @Bean
        InMemoryUserDetailsManager basicUsers() {
            return new InMemoryUserDetailsManager(User.withUsername("carol").password("{noop}carol's password")
                    .roles("user").build());
        }

        @Bean
        SecurityFilterChain chain(HttpSecurity http, PortcullisSecurity portcullis) throws Exception {
            http.with(portcullis.configurer(), c -> { });
            http.httpBasic(Customizer.withDefaults());
            http.authorizeHttpRequests(a -> a
                    .requestMatchers(portcullis.publicRequests()).permitAll()
                    .anyRequest().authenticated());
            return http.build();
        }
    }

    @RestController
    static class Api {
        @PostMapping("/public/transfer")
        String publicTransfer(Authentication who) {
            return "moved by " + (who == null ? "nobody" : who.getName());
        }

        @PostMapping("/api/transfer")
        String transfer(Authentication who) {
            return "moved by " + who.getName();
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Stores stores;

    @Autowired
    PasswordHasher hasher;

    private HttpResponse<String> post(String path, String authorization, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a POST carrying Basic credentials but no CSRF token is refused with 403 and reaches no controller")
    void basicIsNotExempt() throws Exception {
        HttpResponse<String> r = post("/public/transfer", basic("carol", "carol's password"), "{}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("moved by");
    }

    @Test
    @DisplayName("a POST with a valid bearer token needs no CSRF token, whatever the scheme's letter case")
    void bearerIsExempt() throws Exception {
        stores.users().create(new UserRecord(UUID.randomUUID().toString(), "dave",
                hasher.hash("dave's long password"), Set.of(), true));
        HttpResponse<String> login = post("/user/login", null,
                "{\"username\":\"dave\",\"password\":\"dave's long password\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = new ObjectMapper().readTree(login.body()).path("accessToken").asString();

        for (String scheme : new String[] {"Bearer", "bearer", "BEARER"}) {
            HttpResponse<String> r = post("/api/transfer", scheme + " " + token, "{}");
            assertThat(r.statusCode()).as("%s: %s", scheme, r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("moved by dave");
        }
    }

    @Test
    @DisplayName("a scheme that only starts with the letters of Bearer is no bearer request")
    void lookalikeSchemeIsNotExempt() throws Exception {
        HttpResponse<String> r = post("/public/transfer", "BearerX abc", "{}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("moved by");
    }
}
