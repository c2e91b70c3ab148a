package org.portcullis.auth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.portcullis.auth.core.PasswordHasher;
import org.portcullis.auth.http.AuthHttpHandler;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.web.SecurityFilterChain;

/** Which web and security beans appear, without starting a server. */
@DisplayName("the web and security auto-configuration")
class PortcullisSecurityAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PortcullisAutoConfiguration.class,
                    PortcullisWebAutoConfiguration.class, PortcullisSecurityAutoConfiguration.class))
            .withPropertyValues("portcullis.cleanup.interval=0s")
            .withBean(PasswordHasher.class, () -> PasswordHasher.withParameters(64, 1, 1));

    @Test
    @DisplayName("portcullis.security.enabled=false leaves Spring Security to the application")
    void securityOff() {
        runner.withPropertyValues("portcullis.security.enabled=false").run(ctx -> {
            assertThat(ctx).hasSingleBean(AuthHttpHandler.class);
            assertThat(ctx).doesNotHaveBean(PortcullisSecurity.class);
            assertThat(ctx).doesNotHaveBean(SecurityFilterChain.class);
        });
    }

    @Test
    @DisplayName("portcullis.http.enabled=false serves no endpoints")
    void endpointsOff() {
        runner.withPropertyValues("portcullis.http.enabled=false", "portcullis.security.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean("portcullisEndpoints"));
    }

    @Test
    @DisplayName("a base path must be a plain path; slashes are normalised")
    void basePath() {
        assertThat(BasePathEndpointServlet.normalise("auth/")).isEqualTo("/auth");
        assertThat(BasePathEndpointServlet.normalise("/")).isEmpty();
        assertThat(BasePathEndpointServlet.normalise(null)).isEmpty();
        runner.withPropertyValues("portcullis.http.base-path=/a/**", "portcullis.security.enabled=false")
                .run(ctx -> assertThat(ctx).getFailure().rootCause().hasMessageContaining("portcullis.http.base-path"));
    }
}
