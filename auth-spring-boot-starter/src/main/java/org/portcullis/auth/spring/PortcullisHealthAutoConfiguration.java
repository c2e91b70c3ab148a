package org.portcullis.auth.spring;

import org.portcullis.auth.api.AuthService;
import org.portcullis.auth.api.StoreUnavailableException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Actuator: a health indicator named {@code portcullis} that is UP when the engine can reach its
 * stores and DOWN otherwise ({@link AuthService#checkHealth()}). Turn it off with
 * {@code management.health.portcullis.enabled=false}.
 */
@AutoConfiguration(after = PortcullisAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(AuthService.class)
@ConditionalOnEnabledHealthIndicator("portcullis")
public class PortcullisHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "portcullisHealthIndicator")
    HealthIndicator portcullisHealthIndicator(AuthService service) {
        return new StoreHealthIndicator(service);
    }

    /** UP when {@link AuthService#checkHealth()} passes. Thread-safe. */
    static final class StoreHealthIndicator extends AbstractHealthIndicator {
        private final AuthService service;

        StoreHealthIndicator(AuthService service) {
            super("Portcullis store health check failed");
            this.service = service;
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            try {
                service.checkHealth();
                builder.up();
            } catch (StoreUnavailableException e) {
                // The exception's message never holds statement parameters or row values (auth-store-jdbc).
                builder.down().withDetail("error", "STORE_UNAVAILABLE");
            }
        }
    }
}
