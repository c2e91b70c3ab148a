package org.portcullis.auth.http.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The JSON layer")
class JsonTest {

    private static Map<String, String> read(String text) throws Json.MalformedJsonException {
        return Json.readStringMembers(text.getBytes(StandardCharsets.UTF_8), Set.of("a", "b"));
    }

    @Nested
    @DisplayName("reading a request body")
    class Reading {

        @Test
        @DisplayName("returns the wanted string members and skips the others, however nested")
        void wanted() throws Exception {
            assertThat(read("{\"a\":\"1\",\"x\":{\"y\":[1,2,{\"z\":null}]},\"b\":\"\\u00e9\"}"))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "é"));
        }

        @Test
        @DisplayName("treats a wanted member set to null as absent")
        void nullIsAbsent() throws Exception {
            assertThat(read("{\"a\":null}")).isEmpty();
        }

        @Test
        @DisplayName("ignores a leading byte order mark")
        void bom() throws Exception {
            assertThat(read("\uFEFF{\"a\":\"1\"}")).containsEntry("a", "1");
        }

        @Test
        @DisplayName("refuses a duplicate member name, and says so without echoing the input")
        void duplicate() {
            assertThatThrownBy(() -> read("{\"a\":\"secret-one\",\"a\":\"secret-two\"}"))
                    .isInstanceOf(Json.MalformedJsonException.class)
                    .hasMessageContaining("more than once").hasMessageNotContaining("secret");
        }

        @Test
        @DisplayName("refuses bytes that are not UTF-8, including UTF-16 that Jackson alone would auto-detect")
        void notUtf8() {
            assertThatThrownBy(() -> Json.readStringMembers(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'}, Set.of("a")))
                    .hasMessageContaining("UTF-8");
            assertThatThrownBy(() -> Json.readStringMembers("{\"a\":\"1\"}".getBytes(StandardCharsets.UTF_16BE), Set.of("a")))
                    .isInstanceOf(Json.MalformedJsonException.class);
        }

        @Test
        @DisplayName("refuses a wanted member that is not a string")
        void notAString() {
            assertThatThrownBy(() -> read("{\"a\":true}")).hasMessageContaining("'a' must be a string");
        }

        @Test
        @DisplayName("refuses anything after the object")
        void trailing() {
            assertThatThrownBy(() -> read("{\"a\":\"1\"} {}")).isInstanceOf(Json.MalformedJsonException.class);
        }

        @Test
        @DisplayName("refuses nesting beyond the limit")
        void nesting() {
            assertThatThrownBy(() -> read("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"))
                    .isInstanceOf(Json.MalformedJsonException.class);
        }
    }

    @Nested
    @DisplayName("writing a response body")
    class Writing {

        @Test
        @DisplayName("keeps member order, writes instants as ISO-8601 UTC in whole seconds and escapes strings")
        void write() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("z", "a\"b</script>");
            m.put("at", Instant.parse("2026-03-01T10:00:00.987654321Z"));
            m.put("n", 1200L);
            m.put("list", List.of(true, "x"));
            m.put("none", null);
            assertThat(new String(Json.write(m), StandardCharsets.UTF_8))
                    .isEqualTo("{\"z\":\"a\\\"b</script>\",\"at\":\"2026-03-01T10:00:00Z\",\"n\":1200,\"list\":[true,\"x\"],\"none\":null}");
        }

        @Test
        @DisplayName("refuses a type it has no JSON form for")
        void unknownType() {
            assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
