package org.portcullis.auth.core.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("the strict JSON reader in front of the JOSE library")
class StrictJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{}", " {\"a\":1} ", "{\"a\":[1,-0,0.5,1e3,-2.5E-7,true,false,null,\"x\",{},[]]}",
            "{\"a\":\"\\u00e9\\ud83d\\ude00\\n\\\"\\\\\\/\"}", "{\"\\u0061\":1,\"b\":{\"a\":2}}", "\t{\r\n}\n"})
    @DisplayName("RFC 8259 objects are accepted")
    void accepted(String json) {
        StrictJson.objectMemberNames(json);
    }

    @Test
    @DisplayName("the top-level member names come back unescaped")
    void names() {
        assertThat(StrictJson.objectMemberNames("{\"cr\\u0069t\":[],\"x\":{\"y\":1}}")).containsExactlyInAnyOrder("crit", "x");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "[]", "\"s\"", "1", "null", "{", "{}}", "{} {}", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{'a':1}", "{a:1}",
            "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":-}", "{\"a\":NaN}",
            "{\"a\":Infinity}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
            "{\"a\":\"\\u\u0661\u0662\u0663\u0664\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"tab\there\"}", "{\"a\":1/*c*/}", "{\"a\":1}//",
            "\ufeff{}", "{\"a\":1,\"a\":1}", "{\"b\":{\"a\":1,\"\\u0061\":2}}", "{\"b\":[{\"a\":1,\"a\":2}]}"})
    @DisplayName("anything else is refused with Malformed, never another exception")
    void refused(String json) {
        assertThatThrownBy(() -> StrictJson.objectMemberNames(json)).isInstanceOf(StrictJson.Malformed.class);
    }

    @Test
    @DisplayName("nesting is bounded, so deep input cannot overflow the stack")
    void depth() {
        String ok = "{\"a\":".repeat(StrictJson.MAX_DEPTH - 1) + "{}" + "}".repeat(StrictJson.MAX_DEPTH - 1);
        StrictJson.objectMemberNames(ok);
        String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> StrictJson.objectMemberNames(deep)).isInstanceOf(StrictJson.Malformed.class);
    }
}
