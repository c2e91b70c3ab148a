/**
 * Portcullis API: value types, the store SPIs, the {@link org.portcullis.auth.api.AuthService}
 * facade, and two JDK-only helpers every module shares: the IP-literal parser
 * ({@code org.portcullis.auth.api.net}) and the log-line neutraliser ({@code org.portcullis.auth.api.text}).
 */
module org.portcullis.auth.api {
    exports org.portcullis.auth.api;
    exports org.portcullis.auth.api.net;
    exports org.portcullis.auth.api.text;
}
