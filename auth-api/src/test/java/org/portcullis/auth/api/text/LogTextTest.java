package org.portcullis.auth.api.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("text neutralised for a log line (OWASP ASVS V7.3.1, log injection)")
class LogTextTest {

    @Test
    @DisplayName("CR or LF cannot start a forged line")
    void newlines() {
        assertThat(LogText.neutralise("mallory\r\naudit type=LOGIN_SUCCEEDED")).isEqualTo("mallory??audit type=LOGIN_SUCCEEDED");
    }

    @Test
    @DisplayName("Unicode line and paragraph separators and NEL cannot start a forged line either")
    void unicodeSeparators() {
        assertThat(LogText.neutralise("a\u2028b\u2029c\u0085d")).isEqualTo("a?b?c?d");
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(ints = {0x00, 0x07, 0x09, 0x1B, 0x7F, 0x80, 0x9B, 0x9F})
    @DisplayName("C0 and C1 controls, DEL and the terminal escape introducers become '?'")
    void controls(int c) {
        assertThat(LogText.neutralise("x" + (char) c + "y")).isEqualTo("x?y");
    }

    @Test
    @DisplayName("bidirectional overrides and isolates, zero-width characters and the BOM cannot reorder or hide text")
    void bidiAndFormat() {
        assertThat(LogText.neutralise("admin\u202E\u2066\u200B\uFEFF\u202A\u2069\u200D")).isEqualTo("admin???????");
    }

    @Test
    @DisplayName("invisible tag characters beyond the BMP and lone surrogates become one '?' each")
    void supplementaryAndSurrogates() {
        assertThat(LogText.neutralise("a" + new String(Character.toChars(0xE0041)) + "b")).isEqualTo("a?b");
        assertThat(LogText.neutralise("a\uD800b\uDC00c")).isEqualTo("a?b?c");
    }

    @Test
    @DisplayName("other scripts, accents and emoji are kept as they are")
    void keepsText() {
        String s = "Zoë 山田 Ωμέγα \uD83D\uDE00 /user/login?x=1";
        assertThat(LogText.neutralise(s)).isEqualTo(s);
    }

    @Test
    @DisplayName("a bound keeps that many code points and marks the cut, without splitting a pair")
    void bounded() {
        assertThat(LogText.neutralise("abcdef", 3)).isEqualTo("abc...");
        assertThat(LogText.neutralise("abc", 3)).isEqualTo("abc");
        assertThat(LogText.neutralise("\uD83D\uDE00\uD83D\uDE00", 1)).isEqualTo("\uD83D\uDE00...");
        assertThat(LogText.neutralise("a\nb".repeat(100), 200)).hasSize(203).doesNotContain("\n");
        assertThatThrownBy(() -> LogText.neutralise("x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("null reads as '-'")
    void nullText() {
        assertThat(LogText.neutralise(null)).isEqualTo("-");
    }
}
