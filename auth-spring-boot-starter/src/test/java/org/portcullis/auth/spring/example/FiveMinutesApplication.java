package org.portcullis.auth.spring.example;

// tag::five-minutes[]
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.Stores;
import org.portcullis.auth.api.UserRecord;
import org.portcullis.auth.core.PasswordHasher;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
@EnableMethodSecurity
public class FiveMinutesApplication {

    public static void main(String[] args) {
        SpringApplication.run(FiveMinutesApplication.class, args);
    }

    /** Two demo accounts; a real application creates users from its sign-up flow instead. */
    @Bean
    ApplicationRunner demoUsers(Stores stores, PasswordHasher hasher) {
        return args -> {
            stores.users().create(new UserRecord(UUID.randomUUID().toString(), "alice",
                    hasher.hash("alice's long password"), Set.of("admin"), true));
            stores.users().create(new UserRecord(UUID.randomUUID().toString(), "bob",
                    hasher.hash("bob's long password"), Set.of(), true));
        };
    }

    @RestController
    static class HelloController {

        @GetMapping("/api/hello")
        Map<String, Object> hello(@AuthenticationPrincipal AuthPrincipal me) {
            return Map.of("user", me.username(), "roles", me.roles(), "session", me.sessionId());
        }

        @GetMapping("/api/admin/report")
        @PreAuthorize("hasRole('admin')")
        Map<String, Object> report() {
            return Map.of("report", "for admins only");
        }

        @GetMapping("/public/ping")
        String ping() {
            return "pong";
        }
    }
}
// end::five-minutes[]
