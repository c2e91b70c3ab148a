/**
 * Portcullis in Javalin 7: {@link org.portcullis.auth.javalin.PortcullisJavalin#install} protects every
 * route and serves the 7G endpoints; {@link org.portcullis.auth.javalin.PortcullisJavalin#principal}
 * hands the caller to route handlers.
 */
package org.portcullis.auth.javalin;
