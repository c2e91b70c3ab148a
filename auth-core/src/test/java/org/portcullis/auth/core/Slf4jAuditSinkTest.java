package org.portcullis.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.api.AuditEvent;
import org.portcullis.auth.api.AuditEventType;
import org.portcullis.auth.api.ClientInfo;

@DisplayName("the SLF4J audit line (OWASP ASVS V7.3.1, log injection)")
class Slf4jAuditSinkTest {

    private static String lineFor(String username) {
        return Slf4jAuditSink.format(AuditEvent.builder(AuditEventType.LOGIN_FAILED, Instant.EPOCH)
                .username(username).client(new ClientInfo("192.0.2.1", "junit")).reason("bad_password").failure().build());
    }

    @Test
    @DisplayName("a username with CR or LF cannot start a forged line")
    void newlines() {
        assertThat(lineFor("mallory\r\naudit type=LOGIN_SUCCEEDED")).doesNotContain("\r", "\n");
    }

    @Test
    @DisplayName("a username with a Unicode line or paragraph separator, or NEL, cannot start a forged line either")
    void unicodeSeparators() {
        assertThat(lineFor("mallory\u2028audit type=LOGIN_SUCCEEDED\u2029\u0085")).doesNotContain("\u2028", "\u2029", "\u0085");
    }

    @Test
    @DisplayName("bidirectional overrides and invisible format characters cannot reorder or hide what a reader sees")
    void bidiAndFormat() {
        String line = lineFor("admin\u202E\u2066\u200B\uFEFF");
        assertThat(line).doesNotContain("\u202E", "\u2066", "\u200B", "\uFEFF").contains("username=admin????");
    }
}
