package org.portcullis.auth.spring;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.portcullis.auth.http.Admission;
import org.portcullis.auth.http.AuthHttpHandler;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Portcullis as Spring Security's bearer-token authentication (RFC 6750 §2.1, header only).
 *
 * <ul>
 *   <li>A public request (the 7G endpoints, which check tokens themselves; the configured public
 *       paths) passes untouched, whatever token it carries.</li>
 *   <li>A request without {@code Authorization} passes unauthenticated: the application's
 *       authorization rules decide, and the entry point answers 401 where they ask for a login.</li>
 *   <li>A request with a valid access token passes as a {@link PortcullisAuthentication}.</li>
 *   <li>Any other {@code Authorization} is answered here with the handler's own refusal: 401
 *       problem+json with a {@code WWW-Authenticate: Bearer} challenge, 431, or 503 when the
 *       store is down, exactly as the standalone server answers.</li>
 * </ul>
 * Thread-safe.
 */
final class PortcullisBearerFilter extends OncePerRequestFilter {

    private final AuthHttpHandler handler;
    private final RequestMatcher publicRequests;
    private final String rolePrefix;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    PortcullisBearerFilter(AuthHttpHandler handler, RequestMatcher publicRequests, String rolePrefix) {
        this.handler = handler;
        this.publicRequests = publicRequests;
        this.rolePrefix = rolePrefix;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader("Authorization") == null || publicRequests.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        Admission admission = ServletAnswers.admit(handler, request, true);
        if (admission instanceof Admission.Refused refused) {
            contexts.clearContext();
            ServletAnswers.write(refused.response(), response);
            return;
        }
        if (admission instanceof Admission.Granted granted) {
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(new PortcullisAuthentication(granted.principal(), rolePrefix));
            contexts.setContext(context);
            // Kept for the error and async dispatches of this request only: no session (stateless).
            repository.saveContext(context, request, response);
        }
        chain.doFilter(request, response);
    }
}
