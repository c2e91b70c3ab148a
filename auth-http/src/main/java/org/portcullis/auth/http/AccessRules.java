package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may reach the application's own paths: the declarative rules that {@link AuthHttpHandler#admit}
 * applies, the same for every adapter (servlet filter, Javalin, your own).
 *
 * <ul>
 *   <li><b>anonymous</b>: no token needed ({@link Builder#anonymous});</li>
 *   <li><b>authenticated</b>: a valid access token (the default for every path no rule names, and
 *       {@link Builder#authenticated} to carve a protected part out of an anonymous one);</li>
 *   <li><b>any of these roles</b>: a valid access token whose principal has at least one of the
 *       roles ({@link Builder#requireAnyRole}); otherwise 403 with code {@code FORBIDDEN} and an
 *       RFC 6750 §3.1 {@code insufficient_scope} challenge.</li>
 * </ul>
 *
 * <p>Patterns: {@code /exact/path}; {@code *} for exactly one segment ({@code /orders/*}); a final
 * {@code **} for the path and everything below it ({@code /assets/**} matches {@code /assets},
 * {@code /assets/} and {@code /assets/a/b}). When several rules match, the most specific wins: segment
 * by segment a literal beats {@code *}, which beats {@code **}; so the order of declaration does not
 * matter. Matching is case-sensitive, on the path below the context path, after dot segments,
 * percent-escapes, {@code ;} parameters and repeated slashes are normalised away; an anonymous rule
 * applies only when the raw path was already in normal form, so an odd spelling of a public path
 * needs a token rather than the other way round. A path and its twin with or without a final slash
 * ({@code /admin}, {@code /admin/}) may reach the same handler in many routers, so a restricting rule
 * (authenticated, or a role) on either spelling applies to both; a path matched by role rules through
 * both spellings needs a role of each.
 *
 * <p><b>The 7G endpoints are not governed by these rules.</b> Their access is fixed by the contract
 * ({@link AuthHttpHandler#ANONYMOUS_PATHS} anonymous, {@code /user/refreshToken} by bearer token, the
 * rest authenticated), and the builder refuses any pattern that could reach a path under
 * {@code /user} or {@code /common}, so no rule can widen the anonymous set by accident. Making an
 * application path anonymous is always an explicit {@link Builder#anonymous} call.
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessRules {

    /** The first segments of the 7G endpoints, whose access rules are fixed. */
    private static final Set<String> CONTRACT_NAMESPACES = Set.of("user", "common");

    private static final AccessRules NONE = new AccessRules(List.of());

    private final List<Rule> rules;

    private AccessRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No application rules: every path outside the 7G anonymous set needs a valid access token. */
    public static AccessRules none() {
        return NONE;
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a path outside the 7G endpoints needs: the most specific rule matching it and, when a
     * restricting rule names only its twin with or without a final slash, that rule as well.
     * Many routers serve {@code /admin} and {@code /admin/} with one handler (Javalin's
     * {@code ignoreTrailingSlashes} is on by default; JAX-RS templates match either), so a role rule
     * on one spelling must not be stepped around by the other (OWASP ASVS v4 4.1.3 / v5 8.2.1:
     * access control on every path to a resource). An anonymous rule is never carried over.
     */
    Rule ruleFor(String rawPath) {
        RequestPath path = RequestPath.of(rawPath);
        List<String> segments = path.segments();
        Rule best = best(segments, null, false);
        Rule own = best == null || (best.kind == Kind.ANONYMOUS && !path.plain()) ? Rule.DEFAULT : best;
        if (segments.isEmpty()) {
            return own;
        }
        List<String> twin = segments.get(segments.size() - 1).isEmpty()
                ? segments.subList(0, segments.size() - 1)
                : concat(segments, "");
        Rule other = best(twin, segments, true);
        if (other == null || own.kind == Kind.ANY_ROLE && other.kind != Kind.ANY_ROLE
                || own.kind == Kind.AUTHENTICATED && other.kind == Kind.AUTHENTICATED) {
            return own;
        }
        return own.kind == Kind.ANY_ROLE ? own.and(other) : other;
    }

    /**
     * The most specific rule matching {@code segments}; with {@code unless}, only the restricting
     * rules that do not also match {@code unless}.
     */
    private Rule best(List<String> segments, List<String> unless, boolean restrictingOnly) {
        Rule best = null;
        for (Rule r : rules) {
            if (restrictingOnly && (r.kind == Kind.ANONYMOUS || r.pattern.matches(unless))) {
                continue;
            }
            if (r.pattern.matches(segments) && (best == null || r.pattern.compareSpecificity(best.pattern) > 0)) {
                best = r;
            }
        }
        return best;
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> out = new ArrayList<>(list);
        out.add(last);
        return out;
    }

    @Override
    public String toString() {
        return "AccessRules" + rules;
    }

    enum Kind { ANONYMOUS, AUTHENTICATED, ANY_ROLE }

    /** One rule: a pattern, what it asks, and for {@link Kind#ANY_ROLE} the roles of which one suffices. */
    static final class Rule {
        static final Rule DEFAULT = new Rule(null, Kind.AUTHENTICATED, Set.of());

        final PathPattern pattern;
        final Kind kind;
        final Set<String> roles;
        /** A second role rule the caller must meet too, or {@code null}. */
        final Rule also;

        Rule(PathPattern pattern, Kind kind, Set<String> roles) {
            this(pattern, kind, roles, null);
        }

        private Rule(PathPattern pattern, Kind kind, Set<String> roles, Rule also) {
            this.pattern = pattern;
            this.kind = kind;
            this.roles = roles;
            this.also = also;
        }

        /** This role rule and another one, both to be met. */
        Rule and(Rule other) {
            return new Rule(pattern, kind, roles, other);
        }

        /** Whether a principal meets the roles this rule asks for (every principal meets a rule without roles). */
        boolean admits(AuthPrincipal principal) {
            return (kind != Kind.ANY_ROLE || hasAnyRole(principal, roles)) && (also == null || also.admits(principal));
        }

        @Override
        public String toString() {
            String self = kind == Kind.ANY_ROLE ? pattern + " any of " + roles : pattern + " " + kind.name().toLowerCase(Locale.ROOT);
            return also == null ? self : self + " and " + also;
        }
    }

    /**
     * Collects rules; {@link #build()} checks them. Each method refuses a bad argument at once with
     * an {@link IllegalArgumentException} naming it. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Rule> rules = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Makes these application paths reachable without a token. Explicit by design: nothing else
         * widens what is anonymous.
         *
         * @throws IllegalArgumentException for a malformed pattern, one that could reach a 7G path
         *                                  under {@code /user} or {@code /common}, or one already given a rule
         */
        public Builder anonymous(String... patterns) {
            for (String p : patterns) {
                add(p, Kind.ANONYMOUS, Set.of());
            }
            return this;
        }

        /**
         * Asks for a valid token on these paths: the default, so this is useful only inside a wider
         * anonymous pattern ({@code anonymous("/shop/**")}, {@code authenticated("/shop/cart/**")}).
         *
         * @throws IllegalArgumentException as for {@link #anonymous}
         */
        public Builder authenticated(String... patterns) {
            for (String p : patterns) {
                add(p, Kind.AUTHENTICATED, Set.of());
            }
            return this;
        }

        /**
         * Asks for a valid token whose principal has at least one of the roles (compared exactly).
         *
         * @throws IllegalArgumentException as for {@link #anonymous}, or for a blank role
         */
        public Builder requireAnyRole(String pattern, String role, String... moreRoles) {
            Set<String> roles = new LinkedHashSet<>();
            roles.add(role);
            Collections.addAll(roles, moreRoles);
            for (String r : roles) {
                if (r == null || r.isBlank()) {
                    throw new IllegalArgumentException("a role must not be blank (pattern " + pattern + ")");
                }
            }
            add(pattern, Kind.ANY_ROLE, Collections.unmodifiableSet(roles));
            return this;
        }

        private void add(String text, Kind kind, Set<String> roles) {
            PathPattern pattern = PathPattern.parse(text);
            for (String ns : CONTRACT_NAMESPACES) {
                if (pattern.reachesNamespace(ns)) {
                    throw new IllegalArgumentException("the pattern " + text + " could reach the 7G endpoints under /"
                            + ns + ", whose access the contract fixes; rules are for the application's own paths");
                }
            }
            if (rules.containsKey(pattern.text())) {
                throw new IllegalArgumentException("the pattern " + text + " already has a rule: " + rules.get(pattern.text()));
            }
            rules.put(pattern.text(), new Rule(pattern, kind, roles));
        }

        /** The rules; an empty builder gives {@link AccessRules#none()}. */
        public AccessRules build() {
            return rules.isEmpty() ? NONE : new AccessRules(new ArrayList<>(rules.values()));
        }
    }

    static boolean hasAnyRole(AuthPrincipal principal, Set<String> roles) {
        Objects.requireNonNull(principal, "principal");
        for (String r : roles) {
            if (principal.hasRole(r)) {
                return true;
            }
        }
        return false;
    }
}
