package org.portcullis.auth.http;

import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.ErrorCode;
import org.portcullis.auth.http.internal.Problems;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The 7G endpoints as one declarative table: path (exact, or a prefix with the rest as a
 * parameter), who may call it, and the endpoint per method. {@link AuthHttpHandler#ANONYMOUS_PATHS}
 * and the {@code Allow} header of a 405 both come from it. {@code HEAD} is served wherever
 * {@code GET} is (RFC 9110 §9.3.2). Immutable.
 */
final class RouteTable {

    /** Who may call a route. */
    enum Access {
        /** No token. */
        ANONYMOUS,
        /** A well-formed bearer token that the endpoint verifies itself (refresh: it may be expired). */
        BEARER,
        /** A valid access token. */
        AUTHENTICATED
    }

    /** One row of the table. */
    record Route(String path, boolean prefix, Access access,
                 Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> methods) {

        boolean matches(String requestPath) {
            return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
        }

        String allow() {
            Set<String> allow = new LinkedHashSet<>();
            for (String m : methods.keySet()) {
                allow.add(m);
                if (m.equals("GET")) {
                    allow.add("HEAD");
                }
            }
            return String.join(", ", allow);
        }
    }

    static final String REFRESH = "/user/refreshToken";

    static final List<Route> ROUTES = List.of(
            exact("/user/login", Access.ANONYMOUS, "POST", UserEndpoints::login),
            exact(REFRESH, Access.BEARER, "POST", UserEndpoints::refresh),
            exact("/user/logout", Access.AUTHENTICATED, "POST", UserEndpoints::logout),
            exact("/user/logoutAll", Access.AUTHENTICATED, "POST", UserEndpoints::logoutAll),
            exact("/user/sessions", Access.AUTHENTICATED, "GET", UserEndpoints::sessions),
            prefix("/user/sessions/", Access.AUTHENTICATED, "DELETE", UserEndpoints::revokeSession),
            exact("/user/me", Access.AUTHENTICATED, "GET", UserEndpoints::me),
            exact("/common/lookup", Access.ANONYMOUS, "GET", UserEndpoints::lookup),
            exact("/common/HealthCheck", Access.ANONYMOUS, "GET", UserEndpoints::health));

    /** The paths of the anonymous routes: the contract's fixed anonymous set. */
    static final Set<String> ANONYMOUS_PATHS = ROUTES.stream().filter(r -> r.access() == Access.ANONYMOUS && !r.prefix())
            .map(Route::path).collect(Collectors.toUnmodifiableSet());

    private final UserEndpoints endpoints;

    RouteTable(UserEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** The route of a path, if it is one of the 7G endpoints (matched exactly, case and all). */
    static Route find(String path) {
        for (Route r : ROUTES) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    /** Serves an admitted request: the endpoint, or 404 for an unknown path and 405 with {@code Allow} for a wrong method. */
    AuthHttpResponse dispatch(AuthHttpRequest request, AuthPrincipal caller) {
        Route route = find(request.path());
        if (route == null) {
            return Problems.of(404, ErrorCode.MALFORMED_REQUEST, "No endpoint has this path.");
        }
        String method = "HEAD".equals(request.method()) ? "GET" : request.method();
        var endpoint = route.methods().get(method);
        if (endpoint == null) {
            return Problems.methodNotAllowed(route.allow());
        }
        String tail = route.prefix() ? request.path().substring(route.path().length()) : "";
        return endpoint.apply(endpoints, new UserEndpoints.Call(request, caller, tail));
    }

    private static Route exact(String path, Access access, String method,
                               BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        return new Route(path, false, access, one(method, endpoint));
    }

    private static Route prefix(String path, Access access, String method,
                                BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        return new Route(path, true, access, one(method, endpoint));
    }

    private static Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> one(
            String method, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse> endpoint) {
        Map<String, BiFunction<UserEndpoints, UserEndpoints.Call, AuthHttpResponse>> m = new LinkedHashMap<>();
        m.put(method, endpoint);
        return Map.copyOf(m);
    }
}
