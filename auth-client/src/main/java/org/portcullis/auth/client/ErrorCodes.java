package org.portcullis.auth.client;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.portcullis.auth.api.ErrorCode;

/** Reads a problem's {@code code} member into the shared vocabulary, without trusting it to be one. */
final class ErrorCodes {

    private static final Map<String, ErrorCode> BY_NAME =
            Stream.of(ErrorCode.values()).collect(Collectors.toUnmodifiableMap(ErrorCode::name, Function.identity()));

    private ErrorCodes() {
    }

    /** The constant named {@code code}; empty for anything else, {@code null} included. */
    static Optional<ErrorCode> parse(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(code));
    }
}
