package org.portcullis.auth.server;

import org.junit.jupiter.api.DisplayName;

import java.net.http.HttpClient;
import java.util.Map;

/**
 * The whole HTTP contract again, with HTTP/2 on and the suite's client asking for it: after the
 * first request without a body has upgraded its connection (h2c), the exchanges run over HTTP/2,
 * and every answer is still checked against the contract and the OpenAPI document.
 */
@DisplayName("The HTTP contract in the standalone server, over HTTP/2 (h2c)")
class StandaloneServerHttp2ContractTest extends StandaloneServerContractTest {

    @Override
    protected Map<String, String> settings() {
        return Map.of("PORTCULLIS_HTTP2", "true");
    }

    @Override
    protected HttpClient.Version httpVersion() {
        return HttpClient.Version.HTTP_2;
    }
}
