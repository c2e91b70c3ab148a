/**
 * Portcullis API: value types, the store SPIs and the {@link org.portcullis.auth.api.AuthService} facade.
 */
module org.portcullis.auth.api {
    exports org.portcullis.auth.api;
}
