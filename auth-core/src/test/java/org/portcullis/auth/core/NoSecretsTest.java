package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.PasswordCredential;
import org.portcullis.auth.api.TokenPair;
import org.portcullis.auth.core.internal.Digests;

@DisplayName("no secret leaks")
class NoSecretsTest {

    @Test
    @DisplayName("no audit event, exception message or toString contains a password, a token or a hash")
    void nothingLeaks() {
        try (Fixture f = new Fixture()) {
            String password = "s3cret-Passw0rd!";
            f.addUser("alice", password);
            List<String> secrets = new ArrayList<>(List.of(password, "wrong-Passw0rd!",
                    f.stores.users().findByUsername("alice").orElseThrow().passwordHash()));
            List<String> texts = new ArrayList<>();
            try {
                f.login("alice", "wrong-Passw0rd!");
            } catch (AuthException e) {
                texts.add(e.getMessage());
                texts.add(e.toString());
            }
            TokenPair a = f.login("alice", password);
            TokenPair b = f.auth.refresh(a.accessToken(), a.refreshToken(), Fixture.CLIENT);
            f.clock.advance(Duration.ofMinutes(1));
            try {
                f.auth.refresh(a.accessToken(), a.refreshToken(), Fixture.CLIENT);
            } catch (AuthException e) {
                texts.add(e.getMessage());
                texts.add(e.toString());
            }
            for (TokenPair p : List.of(a, b)) {
                secrets.addAll(List.of(p.accessToken(), p.refreshToken(), Digests.sha256Base64Url(p.refreshToken()),
                        p.accessToken().split("\\.")[2]));
                texts.add(p.toString());
            }
            texts.add(new PasswordCredential("alice", password).toString());
            texts.add(f.stores.users().findByUsername("alice").orElseThrow().toString());
            texts.add(f.stores.signingKeys().findAll().get(0).toString());
            for (AuditEvent e : f.audit.events()) {
                texts.add(e.toString());
                texts.add(Slf4jAuditSink.format(e));
            }
            assertThat(f.audit.events()).hasSizeGreaterThan(4);
            for (String text : texts) {
                for (String secret : secrets) {
                    assertThat(text).doesNotContain(secret);
                }
            }
        }
    }
}
