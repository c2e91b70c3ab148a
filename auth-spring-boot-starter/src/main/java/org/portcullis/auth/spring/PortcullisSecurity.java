package org.portcullis.auth.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.portcullis.auth.http.AuthHttpHandler;
import org.springframework.boot.security.autoconfigure.web.servlet.PathRequest;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

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

    PortcullisSecurity(AuthHttpHandler handler, PortcullisProperties properties) {
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
        if (security.isPermitStaticResources()) {
            // Static files are only read: the permit is for GET and HEAD, so an application controller
            // that writes under /images/**, /js/** or /*/icon-* still needs a token (OWASP ASVS v4 4.1.3).
            open.add(new AndRequestMatcher(PathRequest.toStaticResources().atCommonLocations(),
                    request -> "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())));
        }
        this.publicRequests = new OrRequestMatcher(open);
    }

    private static RequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /**
     * What anyone may reach without a token: the 7G endpoints when served (they check tokens themselves), the
     * configured {@code portcullis.security.public-paths}, {@code /actuator/health} and {@code /error},
     * and reads ({@code GET}, {@code HEAD}) of static resources at Spring Boot's common locations (the last two can be turned off).
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
     * exempts bearer requests and the 7G endpoints from it (a bearer header is not sent by a browser on its own, so
     * cross-site requests cannot forge it). It does not touch the authorization rules: those are
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
                csrf.ignoringRequestMatchers(new RequestHeaderRequestMatcher("Authorization"), endpoints);
            }
        }

        @Override
        public void configure(HttpSecurity http) {
            http.addFilterBefore(new PortcullisBearerFilter(handler, publicRequests, rolePrefix),
                    AnonymousAuthenticationFilter.class);
        }
    }
}
