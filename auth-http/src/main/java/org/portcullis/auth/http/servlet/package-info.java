/**
 * Portcullis in any Jakarta Servlet 6 container: {@link org.portcullis.auth.http.servlet.PortcullisAuthFilter}
 * admits requests with a valid access token and hands the principal to the application;
 * {@link org.portcullis.auth.http.servlet.PortcullisEndpointServlet} serves the endpoints.
 */
package org.portcullis.auth.http.servlet;
