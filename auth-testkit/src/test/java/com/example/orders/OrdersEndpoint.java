package com.example.orders;

import org.portcullis.auth.api.AuthException;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.api.AuthService;

/** A stand-in for an application's resource: only clerks may list orders. */
public final class OrdersEndpoint {

    private final AuthService auth;

    public OrdersEndpoint(AuthService auth) {
        this.auth = auth;
    }

    /** The HTTP status this endpoint answers for a request with this Authorization header. */
    public int handle(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return 401;
        }
        try {
            AuthPrincipal caller = auth.validate(authorization.substring("Bearer ".length()));
            return caller.hasRole("clerk") ? 200 : 403;
        } catch (AuthException e) {
            return 401;
        }
    }
}
