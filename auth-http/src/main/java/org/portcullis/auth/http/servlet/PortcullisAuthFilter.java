package org.portcullis.auth.http.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.http.Admission;
import org.portcullis.auth.http.AuthHttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Objects;

/**
 * A Jakarta Servlet filter that applies {@link AuthHttpHandler#admit} to every request, for any
 * servlet container (Servlet 6.0 or later): the token, the handler's
 * {@link org.portcullis.auth.http.AccessRules} and its {@link org.portcullis.auth.http.CorsPolicy}.
 * Map it to {@code /*}, ahead of the application's own filters.
 *
 * <ul>
 *   <li>{@code /user/login}, {@code /common/lookup} and {@code /common/HealthCheck} pass untouched
 *       (the endpoint servlet serves them); {@code /user/refreshToken} passes with a well-formed
 *       bearer token, which the endpoint verifies allowing expiry.</li>
 *   <li>Application paths that the access rules make anonymous pass untouched.</li>
 *   <li>Any other request with a valid {@code Authorization: Bearer} access token (and, on a role
 *       rule's path, one of its roles) passes, and the application sees the {@link AuthPrincipal}
 *       in exactly these ways: {@link HttpServletRequest#getUserPrincipal()} (and
 *       {@code getRemoteUser()}, the username), {@link HttpServletRequest#isUserInRole(String)},
 *       {@link HttpServletRequest#getAuthType()} {@value #AUTH_TYPE}, and the request attribute
 *       {@link #PRINCIPAL_ATTRIBUTE}.</li>
 *   <li>Any other request is answered here: 401 with an RFC 9457 problem and an RFC 6750
 *       {@code WWW-Authenticate} challenge, 403 {@code FORBIDDEN} for a missing role (431 for
 *       oversized headers, 503 when the store is down), and a CORS preflight with 204.</li>
 *   <li>With a CORS policy, the CORS headers are set on the response before the request goes on.</li>
 * </ul>
 *
 * <p>Paths are matched on the raw request URI below the context path. The filter reads no body.
 *
 * <p>Construct it with a handler (programmatic registration), or let the container create it and
 * put the {@link AuthHttpHandler} in the servlet context attribute {@link #HANDLER_ATTRIBUTE}
 * before the filter is initialised. Thread-safe.
 */
public final class PortcullisAuthFilter implements Filter {

    /** Request attribute holding the caller's {@link AuthPrincipal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "org.portcullis.auth.principal";
    /** Servlet context attribute from which a container-created filter or servlet takes its {@link AuthHttpHandler}. */
    public static final String HANDLER_ATTRIBUTE = "org.portcullis.auth.http.handler";
    /** What {@link HttpServletRequest#getAuthType()} answers for a request admitted by a token. */
    public static final String AUTH_TYPE = "Bearer";

    private volatile AuthHttpHandler handler;

    /** For a container that creates the filter: the handler comes from {@link #HANDLER_ATTRIBUTE} at {@link #init}. */
    public PortcullisAuthFilter() {
    }

    /** A filter over the given handler. */
    public PortcullisAuthFilter(AuthHttpHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (handler == null) {
            handler = handlerFrom(config.getServletContext().getAttribute(HANDLER_ATTRIBUTE));
        }
    }

    static AuthHttpHandler handlerFrom(Object attribute) throws ServletException {
        if (attribute instanceof AuthHttpHandler h) {
            return h;
        }
        throw new ServletException("servlet context attribute " + HANDLER_ATTRIBUTE + " must hold an AuthHttpHandler");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        AuthHttpHandler h = handler;
        if (h == null) {
            throw new ServletException("PortcullisAuthFilter used before init");
        }
        Admission admission = h.admit(ServletRequests.toAuthRequest(request, InputStream.nullInputStream()));
        if (admission.answer().isPresent()) {
            ServletRequests.write(admission.answer().get(), request, response);
            return;
        }
        admission.responseHeaders().forEach(response::setHeader);
        if (admission.caller().isPresent()) {
            AuthPrincipal principal = admission.caller().get();
            request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
            chain.doFilter(new AuthenticatedRequest(request, principal), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Exposes the principal through the standard servlet security methods. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final AuthPrincipal principal;

        AuthenticatedRequest(HttpServletRequest request, AuthPrincipal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.getName();
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.hasRole(role);
        }

        @Override
        public String getAuthType() {
            return AUTH_TYPE;
        }
    }
}
