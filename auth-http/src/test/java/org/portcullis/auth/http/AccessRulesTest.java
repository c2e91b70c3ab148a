package org.portcullis.auth.http;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Access rules for the application's own paths")
class AccessRulesTest {

    private static String kindOf(AccessRules rules, String path) {
        AccessRules.Rule r = rules.ruleFor(path);
        String self = r.kind == AccessRules.Kind.ANY_ROLE ? "roles" + r.roles : r.kind.name();
        return r.also == null ? self : self + " and roles" + r.also.roles;
    }

    @Nested
    @DisplayName("The builder refuses nonsense")
    class Refusals {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/user/login2", "/user/**", "/common/**", "/**", "/*", "/*/x", "/USER/x", "/Common/lookup"})
        @DisplayName("a pattern that could reach a 7G path under /user or /common")
        void contractNamespace(String pattern) {
            assertThatThrownBy(() -> AccessRules.builder().anonymous(pattern)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("7G");
            assertThatThrownBy(() -> AccessRules.builder().requireAnyRole(pattern, "admin"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7G");
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", "app", "/a/**/b", "/a//b", "/a/../b", "/a/./b", "/a%2Fb", "/a;x", "/a?q", "/a#f", "/a*",
                "/a/b**", "/a\\b"})
        @DisplayName("a malformed pattern")
        void malformed(String pattern) {
            assertThatThrownBy(() -> AccessRules.builder().anonymous(pattern)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("the same pattern given two rules")
        void duplicate() {
            assertThatThrownBy(() -> AccessRules.builder().anonymous("/app/**").requireAnyRole("/app/**", "admin"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a rule");
        }

        @Test
        @DisplayName("a blank role")
        void blankRole() {
            assertThatThrownBy(() -> AccessRules.builder().requireAnyRole("/admin/**", "admin", " "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("role");
        }
    }

    @Nested
    @DisplayName("Matching")
    class Matching {

        private final AccessRules rules = AccessRules.builder()
                .anonymous("/", "/assets/**", "/shop/**", "/orders/*/receipt")
                .authenticated("/shop/cart/**")
                .requireAnyRole("/admin/**", "admin", "ops")
                .requireAnyRole("/admin/reports", "auditor")
                .build();

        @Test
        @DisplayName("a path no rule names needs a token")
        void defaultIsAuthenticated() {
            assertThat(kindOf(rules, "/app/anything")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(AccessRules.none(), "/")).isEqualTo("AUTHENTICATED");
        }

        @Test
        @DisplayName("exact, one-segment and rest-of-path patterns match what they say, and no more")
        void patterns() {
            assertThat(kindOf(rules, "/")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/assets")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/assets/")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/assets/css/site.css")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/assetsX")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(rules, "/orders/42/receipt")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/orders//receipt")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(rules, "/orders/42/receipt/x")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(rules, "/Assets/x")).as("case-sensitive").isEqualTo("AUTHENTICATED");
        }

        @Test
        @DisplayName("the most specific rule wins, whatever the order of declaration")
        void specificity() {
            assertThat(kindOf(rules, "/shop/list")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(rules, "/shop/cart")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(rules, "/shop/cart/items")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(rules, "/admin/users")).isEqualTo("roles[admin, ops]");
            assertThat(kindOf(rules, "/admin/reports")).isEqualTo("roles[auditor]");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/x/../admin/users", "/%61dmin/users", "/admin;v=1/users", "//admin/users", "/./admin/users",
                "/assets/..%2Fadmin/users", "/assets/%2e%2e/admin/users"})
        @DisplayName("an odd spelling of a role-restricted path still needs the role")
        void normalisedForRoles(String path) {
            assertThat(kindOf(rules, path)).isEqualTo("roles[admin, ops]");
        }

        @Test
        @DisplayName("a restricting rule on a path also covers its twin with or without a final slash, "
                + "which many routers (Javalin by default, JAX-RS) serve with the same handler")
        void trailingSlashTwin() {
            AccessRules twins = AccessRules.builder()
                    .anonymous("/shop/**", "/open")
                    .authenticated("/shop/cart")
                    .requireAnyRole("/console", "admin")
                    .requireAnyRole("/orders/*", "clerk")
                    .requireAnyRole("/panel/", "ops")
                    .requireAnyRole("/admin/**", "admin", "ops")
                    .requireAnyRole("/admin/reports", "auditor")
                    .build();
            assertThat(kindOf(twins, "/console/")).isEqualTo("roles[admin]");
            assertThat(kindOf(twins, "/orders/42/")).isEqualTo("roles[clerk]");
            assertThat(kindOf(twins, "/panel")).isEqualTo("roles[ops]");
            assertThat(kindOf(twins, "/shop/cart/")).isEqualTo("AUTHENTICATED");
            assertThat(kindOf(twins, "/admin/reports/")).isEqualTo("roles[admin, ops] and roles[auditor]");
            // Unchanged: the exact spellings, anonymous rules that are never carried over, and the most specific rule.
            assertThat(kindOf(twins, "/console")).isEqualTo("roles[admin]");
            assertThat(kindOf(twins, "/admin/reports")).isEqualTo("roles[auditor]");
            assertThat(kindOf(twins, "/shop/list/")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(twins, "/open")).isEqualTo("ANONYMOUS");
            assertThat(kindOf(twins, "/open/")).isEqualTo("AUTHENTICATED");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/assets/%2E/x", "/assets;jsessionid=1/x", "/assets//x", "/x/../assets/x", "/%61ssets/x"})
        @DisplayName("an odd spelling of an anonymous path is not anonymous")
        void oddSpellingNotAnonymous(String path) {
            assertThat(kindOf(rules, path)).isEqualTo("AUTHENTICATED");
        }
    }
}
