package org.portcullis.auth.spring;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.servlet.PortcullisEndpointServlet;

/**
 * The 7G endpoint servlet under a base path: {@code /auth/user/login} reaches the handler as
 * {@code /user/login}, by presenting the base path as part of the context path. Thread-safe.
 */
final class BasePathEndpointServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PortcullisEndpointServlet endpoints;
    private final String basePath;

    BasePathEndpointServlet(AuthHttpHandler handler, String basePath) {
        this.endpoints = new PortcullisEndpointServlet(handler);
        this.basePath = basePath;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        endpoints.service(basePath.isEmpty() ? request : new HttpServletRequestWrapper(request) {
            @Override
            public String getContextPath() {
                return super.getContextPath() + basePath;
            }
        }, response);
    }

    /** A base path in canonical form: empty, or starting with one slash and not ending with one. */
    static String normalise(String basePath) {
        String p = basePath == null ? "" : basePath.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.isEmpty() && !p.startsWith("/")) {
            p = "/" + p;
        }
        if (p.contains("*") || p.contains("?") || p.contains("//")) {
            throw new IllegalArgumentException("portcullis.http.base-path must be a plain path: " + basePath);
        }
        return p;
    }
}
