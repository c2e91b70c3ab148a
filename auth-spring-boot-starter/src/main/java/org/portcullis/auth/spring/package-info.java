/**
 * Spring Boot auto-configuration for Portcullis: {@code portcullis.*} properties
 * ({@link org.portcullis.auth.spring.PortcullisProperties}), the stores and the engine
 * ({@link org.portcullis.auth.spring.PortcullisAutoConfiguration}), the 7G endpoints, Spring
 * Security bearer authentication ({@link org.portcullis.auth.spring.PortcullisSecurity}), an
 * Actuator health indicator and Micrometer metrics.
 */
package org.portcullis.auth.spring;
