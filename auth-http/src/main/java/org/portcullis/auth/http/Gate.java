package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.Problems;

import java.util.List;
import java.util.Map;

/**
 * Admission: decides, without reading the body, whether a request may go on. In order: the
 * header-size cap (431), a CORS preflight (answered before any authentication), the access the
 * path needs (the 7G route table for the contract's paths, {@link AccessRules} for every other),
 * the bearer token (401), and the path's roles (403). Thread-safe.
 */
final class Gate {

    private final AuthService service;
    private final AccessRules rules;
    private final CorsPolicy cors;
    private final int maxHeaderBytes;
    private final RouteTable routes;

    Gate(AuthService service, RouteTable routes, AccessRules rules, CorsPolicy cors, int maxHeaderBytes) {
        this.service = service;
        this.routes = routes;
        this.rules = rules;
        this.cors = cors;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    Admission admit(AuthHttpRequest request) {
        Map<String, String> corsHeaders = cors == null ? Map.of() : cors.headersFor(request);
        if (headerBytes(request) > maxHeaderBytes) {
            return refuse(request, Problems.of(431, ErrorCode.MALFORMED_REQUEST,
                    "The request headers are larger than " + maxHeaderBytes + " bytes."), corsHeaders);
        }
        if (cors != null && CorsPolicy.isPreflight(request)) {
            return new Admission.Preflight(Responses.finish(request, cors.preflight(request)));
        }
        String path = request.path();
        RouteTable.Route route = routes.find(path);
        AccessRules.Rule rule = route == null ? rules.ruleFor(path) : AccessRules.Rule.DEFAULT;
        if (route != null && route.access() == RouteTable.Access.ANONYMOUS
                || route == null && rule.kind == AccessRules.Kind.ANONYMOUS) {
            return new Admission.Open(corsHeaders);
        }
        BearerToken bearer = BearerToken.from(request.headers("Authorization"));
        if (bearer.refusal() != null) {
            return refuse(request, bearer.refusal(), corsHeaders);
        }
        if (route != null && route.access() == RouteTable.Access.BEARER) {
            return new Admission.Open(corsHeaders);
        }
        AuthPrincipal principal;
        try {
            principal = service.validate(bearer.token());
        } catch (AuthException e) {
            return refuse(request, Failures.of(e), corsHeaders);
        } catch (RuntimeException e) {
            // A store failure answers 503; anything else is a bug: refuse (fail closed) without saying why.
            return refuse(request, Failures.of(e, "validating a token for", request), corsHeaders);
        }
        if (!rule.admits(principal)) {
            return refuse(request, Problems.of(ErrorCode.FORBIDDEN), corsHeaders);
        }
        return new Admission.Granted(principal, corsHeaders);
    }

    private static Admission refuse(AuthHttpRequest request, AuthHttpResponse response, Map<String, String> extra) {
        return new Admission.Refused(Responses.finish(request, Responses.withHeaders(response, extra)));
    }

    private static int headerBytes(AuthHttpRequest request) {
        long total = 0;
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            for (String v : e.getValue()) {
                total += e.getKey().length() + (v == null ? 0 : v.length()) + 4;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, total);
    }
}
