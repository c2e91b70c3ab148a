/**
 * The log-line neutraliser shared by every Portcullis module ({@link org.portcullis.auth.api.text.LogText}):
 * one set of rules for untrusted text in a log line. JDK only.
 */
package org.portcullis.auth.api.text;
