package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.core.PasswordHasher;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code portcullis.security.permit-static-resources} (on by default) keeps Spring Boot's common
 * static locations public ({@code /css/**}, {@code /js/**}, {@code /images/**}, {@code /webjars/**},
 * {@code /favicon.*}, {@code /*}{@code /icon-*}). Static files are only read, so the permit is for
 * {@code GET} and {@code HEAD}: an application's own controller that writes under one of those
 * paths must still need a token (OWASP ASVS v4 4.1.3, v5 8.2.1). Nor does the permit open a
 * {@code GET} controller that happens to sit under a static location: only requests that Spring
 * MVC hands to its static resource handler are public.
 */
@SpringBootTest(classes = StaticResourcePermitTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.datasource.url=jdbc:h2:mem:static-permit;DB_CLOSE_DELAY=-1",
                "portcullis.store.key-encryption-key=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
                "portcullis.cleanup.interval=0s"})
@DisplayName("the static-resource permit opens reads of static files, not writes to controllers")
class StaticResourcePermitTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Api.class)
    static class App {
        @Bean
        PasswordHasher passwordHasher() {
            return PasswordHasher.withParameters(64, 1, 1);
        }
    }

    @RestController
    static class Api {
        @DeleteMapping("/images/{id}")
        String deleteImage(@PathVariable("id") String id) {
            return "deleted " + id;
        }

        @GetMapping("/images/{id}/owner")
        String imageOwner(@PathVariable("id") String id) {
            return "owner of " + id + " is alice@example.com";
        }

        @GetMapping("/js/config.js")
        String config() {
            return "var apiKey = 'secret';";
        }

        @PostMapping("/settings/icon-reset")
        String resetIcons() {
            return "reset";
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("DELETE /images/42 and POST /settings/icon-reset without a token answer 401 and reach no controller")
    void writesNeedAToken() throws Exception {
        for (String[] call : new String[][] {{"DELETE", "/images/42"}, {"POST", "/settings/icon-reset"}}) {
            HttpResponse<String> r = send(call[0], call[1]);
            assertThat(r.statusCode()).as("%s %s: %s", call[0], call[1], r.body()).isEqualTo(401);
            assertThat(r.body()).doesNotContain("deleted").doesNotContain("reset").contains("TOKEN_MISSING");
        }
    }

    @Test
    @DisplayName("GET of an application controller under /images/** or /js/** needs a token: it is no static file")
    void controllerReadsNeedAToken() throws Exception {
        for (String path : new String[] {"/images/42/owner", "/js/config.js"}) {
            HttpResponse<String> r = send("GET", path);
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(401);
            assertThat(r.body()).doesNotContain("alice@example.com").doesNotContain("secret").contains("TOKEN_MISSING");
            assertThat(send("HEAD", path).statusCode()).as("HEAD %s", path).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("a static file that exists is served without a token")
    void staticFileServed() throws Exception {
        HttpResponse<String> r = send("GET", "/css/site.css");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("color");
    }

    @Test
    @DisplayName("GET of a static location still needs no token (a missing file is a 404, not a 401)")
    void staticReadsStayPublic() throws Exception {
        assertThat(send("GET", "/css/missing.css").statusCode()).isEqualTo(404);
        assertThat(send("HEAD", "/js/missing.js").statusCode()).isEqualTo(404);
    }
}
