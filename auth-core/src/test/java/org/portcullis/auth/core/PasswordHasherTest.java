package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PasswordHasher")
class PasswordHasherTest {

    private final PasswordHasher hasher = PasswordHasher.withParameters(256, 2, 1);

    @Test
    @DisplayName("hashes to a PHC string of Argon2id with its parameters and verifies the same password")
    void roundTrip() {
        String phc = hasher.hash("correct horse battery staple");
        assertThat(phc).startsWith("$argon2id$v=19$m=256,t=2,p=1$");
        assertThat(phc.split("\\$")).hasSize(6);
        assertThat(hasher.verify("correct horse battery staple", phc)).isTrue();
    }

    @Test
    @DisplayName("rejects a wrong password, including one that differs in a single character")
    void wrongPassword() {
        String phc = hasher.hash("secret-1");
        assertThat(hasher.verify("secret-2", phc)).isFalse();
        assertThat(hasher.verify("", phc)).isFalse();
    }

    @Test
    @DisplayName("salts every hash: the same password never hashes to the same string")
    void salted() {
        assertThat(hasher.hash("same")).isNotEqualTo(hasher.hash("same"));
    }

    @Test
    @DisplayName("handles non-ASCII passwords as UTF-8")
    void unicode() {
        String phc = hasher.hash("pässwörd-密码-🔑");
        assertThat(hasher.verify("pässwörd-密码-🔑", phc)).isTrue();
        assertThat(hasher.verify("passwort-密码-🔑", phc)).isFalse();
    }

    @Test
    @DisplayName("never matches a malformed or foreign hash")
    void malformed() {
        assertThat(hasher.verify("x", "not a hash")).isFalse();
        assertThat(hasher.verify("x", "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
        assertThat(hasher.verify("x", "$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")).isFalse();
        assertThat(hasher.verify("x", null)).isFalse();
    }

    @Test
    @DisplayName("asks for a rehash when the stored parameters are weaker, or the hash is not Argon2id")
    void needsRehash() {
        PasswordHasher weak = PasswordHasher.withParameters(64, 1, 1);
        assertThat(hasher.needsRehash(weak.hash("pw"))).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("pw"))).isFalse();
        assertThat(weak.needsRehash(hasher.hash("pw"))).isFalse();
        assertThat(hasher.needsRehash("$2a$10$whatever")).isTrue();
    }

    @Test
    @DisplayName("uses OWASP's parameters by default: m=19456 KiB, t=2, p=1")
    void owaspDefaults() {
        assertThat(PasswordHasher.owasp().toString()).contains("m=19456", "t=2", "p=1");
    }

    @Test
    @DisplayName("refuses parameters Argon2 cannot run with")
    void badParameters() {
        assertThatThrownBy(() -> PasswordHasher.withParameters(4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHasher.withParameters(64, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
