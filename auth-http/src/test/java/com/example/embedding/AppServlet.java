package com.example.embedding;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.portcullis.auth.api.AuthPrincipal;
import org.portcullis.auth.http.servlet.PortcullisAuthFilter;

import java.io.IOException;
import java.security.Principal;

/** The application of the contract suite ({@code ContractApp}) as a servlet; shown on the Jetty and Tomcat pages. */
// tag::servlet-principal[]
public final class AppServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        if (request.getRequestURI().equals("/app/public/hello")) {
            response.getWriter().write("hello");              // anonymous: no principal here
            return;
        }
        Principal caller = request.getUserPrincipal();        // the AuthPrincipal; getName() is the username
        boolean admin = request.isUserInRole("admin");        // the roles of the access token
        AuthPrincipal details = (AuthPrincipal) request.getAttribute(PortcullisAuthFilter.PRINCIPAL_ATTRIBUTE);
        response.setHeader("X-User-Id", details.userId());    // user id, session id, claims
        response.getWriter().write("user=" + caller.getName() + ";admin=" + admin);
    }
}
// end::servlet-principal[]
