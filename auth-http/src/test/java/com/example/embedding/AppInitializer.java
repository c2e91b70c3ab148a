package com.example.embedding;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.servlet.PortcullisAuthFilter;
import org.portcullis.auth.http.servlet.PortcullisEndpointServlet;

import java.util.EnumSet;
import java.util.Set;

/**
 * The container-neutral Servlet glue of docs/embedding/jetty.md and tomcat.md: the same class
 * runs in the Jetty and the Tomcat leg of the contract suite.
 */
// tag::servlet-glue[]
public final class AppInitializer implements ServletContainerInitializer {

    private final AuthHttpHandler handler;

    public AppInitializer(AuthHttpHandler handler) {
        this.handler = handler;
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        // Admission in front of every path: the token, the access rules, CORS.
        FilterRegistration.Dynamic auth = context.addFilter("portcullis", new PortcullisAuthFilter(handler));
        auth.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        // The 7G endpoints: /user/login, /user/refreshToken, ..., /common/HealthCheck.
        ServletRegistration.Dynamic endpoints = context.addServlet("portcullis-endpoints",
                new PortcullisEndpointServlet(handler));
        endpoints.addMapping("/user/*", "/common/*", "/.well-known/*");

        // The application's own servlets, behind the filter.
        context.addServlet("app", new AppServlet()).addMapping("/app/*");
    }
}
// end::servlet-glue[]
