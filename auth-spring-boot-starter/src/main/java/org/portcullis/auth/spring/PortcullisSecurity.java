package org.portcullis.auth.spring;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;

import org.portcullis.auth.http.AuthHttpHandler;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.ClassUtils;

/**
 * Portcullis for an application's own {@code SecurityFilterChain}. The starter defines a chain
 * with it when the application has none; an application with its own chain applies it there:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain api(HttpSecurity http, PortcullisSecurity portcullis) throws Exception {
 *     http.with(portcullis.configurer(), c -> { });
 *     http.authorizeHttpRequests(a -> a
 *             .requestMatchers(portcullis.publicRequests()).permitAll()
 *             .requestMatchers("/admin/**").hasRole("admin")
 *             .anyRequest().authenticated());
 *     return http.build();
 * }
 * }</pre>
 *
 * Thread-safe: it only hands out new configurers and matchers.
 */
public final class PortcullisSecurity {

    private final AuthHttpHandler handler;
    private final String rolePrefix;
    private final RequestMatcher publicRequests;
    private final RequestMatcher endpoints;

    private static final String SPRING_MVC = "org.springframework.web.servlet.resource.ResourceHttpRequestHandler";

    PortcullisSecurity(AuthHttpHandler handler, PortcullisProperties properties, ListableBeanFactory beans) {
        this.handler = Objects.requireNonNull(handler, "handler");
        PortcullisProperties.Security security = properties.getSecurity();
        this.rolePrefix = security.getRolePrefix() == null ? "" : security.getRolePrefix();
        String base = BasePathEndpointServlet.normalise(properties.getHttp().getBasePath());
        List<RequestMatcher> served = new ArrayList<>(List.of(path(base + "/user/**"), path(base + "/common/**")));
        handler.anonymousPaths().stream().filter(p -> p.startsWith("/.well-known/")).sorted()
                .forEach(p -> served.add(path(base + p)));
        this.endpoints = new OrRequestMatcher(served);
        List<RequestMatcher> open = new ArrayList<>();
        if (properties.getHttp().isEnabled()) {
            open.add(endpoints);
        }
        security.getPublicPaths().forEach(p -> open.add(path(p)));
        if (security.isPermitHealthAndError()) {
            open.add(path("/actuator/health"));
            open.add(path("/actuator/health/**"));
            open.add(path("/error"));
        }
        if (security.isPermitStaticResources() && ClassUtils.isPresent(SPRING_MVC, getClass().getClassLoader())) {
            // Static files are only read: the permit is for GET and HEAD, so an application controller
            // that writes under /images/**, /js/** or /*/icon-* still needs a token (OWASP ASVS v4 4.1.3).
            // The path alone would also open a GET controller mapped there: the request must reach
            // Spring MVC's static resource handler. Without Spring MVC nothing serves them: no permit.
            open.add(new AndRequestMatcher(PathRequest.toStaticResources().atCommonLocations(),
                    request -> "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()),
                    new StaticResourceHandlerMatcher(beans)));
        }
        this.publicRequests = new OrRequestMatcher(open);
    }

    /**
     * Whether the request's one {@code Authorization} header uses the {@code Bearer} scheme. Only
     * such a request may skip CSRF protection: a browser never attaches a bearer token on its own
     * (RFC 6750 §2.1), but it replays cached {@code Basic} (or negotiated) credentials on a forged
     * cross-site request, so any other scheme must still show a CSRF token. The scheme is matched
     * case-insensitively (RFC 9110 §11.1) and must be followed by a space or end the value, as
     * auth-http's parser reads it.
     */
    static boolean bearerRequest(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders("Authorization");
        if (values == null || !values.hasMoreElements()) {
            return false;
        }
        String value = values.nextElement();
        if (value == null || values.hasMoreElements()) {
            return false;
        }
        int from = 0;
        while (from < value.length() && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
            from++;
        }
        int end = from + "Bearer".length();
        return value.regionMatches(true, from, "Bearer", 0, "Bearer".length())
                && (end == value.length() || value.charAt(end) == ' ');
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /**
     * What anyone may reach without a token: the 7G endpoints when served (they check tokens themselves), the
     * configured {@code portcullis.security.public-paths}, {@code /actuator/health} and {@code /error},
     * and reads ({@code GET}, {@code HEAD}) of static resources at Spring Boot's common locations that Spring MVC's
     * resource handler serves, not a controller mapped there (the last two can be turned off).
     */
    public RequestMatcher publicRequests() {
        return publicRequests;
    }

    /** The prefix put before each role to make an authority. */
    public String rolePrefix() {
        return rolePrefix;
    }

    /** A new configurer, for one {@link HttpSecurity}. */
    public Configurer configurer() {
        return new Configurer();
    }

    /**
     * Adds the bearer filter, answers an unauthenticated request with the 401 problem and
     * challenge of the standalone server, a forbidden one with a 403 problem ({@code code}
     * {@code FORBIDDEN}), makes the chain stateless, and, if the chain keeps CSRF protection on,
     * exempts bearer requests ({@code Authorization: Bearer}, no other scheme) and the 7G endpoints from it (a bearer
     * header is not sent by a browser on its own, so cross-site requests cannot forge it; a {@code Basic} one is). It does not touch the authorization rules: those are
     * the application's.
     */
    public final class Configurer extends AbstractHttpConfigurer<Configurer, HttpSecurity> {

        private Configurer() {
        }

        @Override
        public void init(HttpSecurity http) {
            http.exceptionHandling(e -> e
                    .authenticationEntryPoint((request, response, failure) -> {
                        if (ServletAnswers.admit(handler, request, false) instanceof
                                org.portcullis.auth.http.Admission.Refused refused) {
                            ServletAnswers.write(refused.response(), response);
                        } else {
                            response.sendError(401);
                        }
                    })
                    .accessDeniedHandler((request, response, denied) -> ServletAnswers.forbidden(response)));
            http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            @SuppressWarnings("unchecked")
            CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
            if (csrf != null) {
                // Left alone when the chain turned CSRF off; never turned back on here.
                csrf.ignoringRequestMatchers(PortcullisSecurity::bearerRequest, endpoints);
            }
        }

        @Override
        public void configure(HttpSecurity http) {
            http.addFilterBefore(new PortcullisBearerFilter(handler, publicRequests, rolePrefix),
                    AnonymousAuthenticationFilter.class);
        }
    }
}
