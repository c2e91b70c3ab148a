package org.portcullis.auth.spring;

import org.portcullis.auth.http.AuthHttpHandler;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security integration: a {@link PortcullisSecurity} bean, and, when the application
 * defines no {@link SecurityFilterChain} of its own, a chain where everything but
 * {@link PortcullisSecurity#publicRequests()} needs a valid Portcullis access token. Runs before
 * Spring Boot's own security auto-configuration, whose default chain (form and basic login) then
 * backs off. Off with {@code portcullis.security.enabled=false}.
 */
@AutoConfiguration(after = PortcullisWebAutoConfiguration.class, beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class,
        org.springframework.boot.security.autoconfigure.web.servlet.PathRequest.class})
@ConditionalOnBean(AuthHttpHandler.class)
@ConditionalOnProperty(prefix = "portcullis.security", name = "enabled", havingValue = "true", matchIfMissing = true)
public class PortcullisSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PortcullisSecurity portcullisSecurity(AuthHttpHandler handler, PortcullisProperties properties,
            ListableBeanFactory beans) {
        return new PortcullisSecurity(handler, properties, beans);
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain portcullisSecurityFilterChain(HttpSecurity http, PortcullisSecurity portcullis)
            throws Exception {
        http.with(portcullis.configurer(), c -> { });
        // Stateless bearer authentication and no cookie-borne session: nothing for a cross-site
        // request to ride on, so CSRF tokens would only turn a missing token's 401 into a 403.
        http.csrf(c -> c.disable());
        http.authorizeHttpRequests(a -> a
                .requestMatchers(portcullis.publicRequests()).permitAll()
                .anyRequest().authenticated());
        return http.build();
    }
}
