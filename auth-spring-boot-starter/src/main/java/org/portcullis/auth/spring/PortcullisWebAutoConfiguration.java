package org.portcullis.auth.spring;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.http.AuthHttpHandler;
import org.portcullis.auth.http.CorsPolicy;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;

/**
 * Serves the 7G endpoints ({@code /user/*}, {@code /common/*}) under {@code portcullis.http.base-path}
 * in a servlet web application, through auth-http's handler. The endpoints check tokens
 * themselves, with or without Spring Security. Off with {@code portcullis.http.enabled=false}.
 */
@AutoConfiguration(after = PortcullisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(ServletRegistrationBean.class)
@ConditionalOnBean(AuthService.class)
public class PortcullisWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AuthHttpHandler portcullisHttpHandler(AuthService service, PortcullisProperties properties) {
        PortcullisProperties.Http http = properties.getHttp();
        AuthHttpHandler.Builder b = AuthHttpHandler.builder(service).trustedProxies(http.getTrustedProxies());
        if (http.getMaxBodyBytes() != null) {
            b.maxBodyBytes(http.getMaxBodyBytes());
        }
        if (http.getMaxHeaderBytes() != null) {
            b.maxHeaderBytes(http.getMaxHeaderBytes());
        }
        if (!http.getCorsAllowedOrigins().isEmpty()) {
            b.cors(CorsPolicy.builder().allowOrigins(http.getCorsAllowedOrigins()).build());
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "portcullisEndpoints")
    @ConditionalOnProperty(prefix = "portcullis.http", name = "enabled", havingValue = "true", matchIfMissing = true)
    ServletRegistrationBean<BasePathEndpointServlet> portcullisEndpoints(AuthHttpHandler handler,
                                                                         PortcullisProperties properties) {
        String base = BasePathEndpointServlet.normalise(properties.getHttp().getBasePath());
        List<String> mappings = new ArrayList<>(List.of(base + "/user/*", base + "/common/*"));
        // The published key documents, exactly and only when on: other /.well-known paths stay the application's.
        handler.anonymousPaths().stream().filter(p -> p.startsWith("/.well-known/")).sorted()
                .forEach(p -> mappings.add(base + p));
        ServletRegistrationBean<BasePathEndpointServlet> registration = new ServletRegistrationBean<>(
                new BasePathEndpointServlet(handler, base), mappings.toArray(String[]::new));
        registration.setName("portcullisEndpoints");
        return registration;
    }
}
