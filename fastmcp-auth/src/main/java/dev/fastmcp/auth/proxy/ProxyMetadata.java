package dev.fastmcp.auth.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The RFC 8414 authorization server metadata of an {@link OAuthProxy}. */
final class ProxyMetadata {

    private ProxyMetadata() {
    }

    /** The document for the proxy at {@code issuer} (its base URL, without a trailing slash). */
    static Map<String, Object> document(String issuer, List<String> scopes, Clients clients) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/oauth/authorize");
        m.put("token_endpoint", issuer + "/oauth/token");
        if (clients.dynamicClientRegistration()) {
            m.put("registration_endpoint", issuer + "/oauth/register");
        }
        m.put("revocation_endpoint", issuer + "/oauth/revoke");
        if (!scopes.isEmpty()) {
            m.put("scopes_supported", scopes);
        }
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        List<String> grants = new ArrayList<>(List.of("authorization_code", "refresh_token"));
        if (!clients.machineClients().isEmpty()) {
            grants.add("client_credentials");
        }
        m.put("grant_types_supported", grants);
        m.put("code_challenge_methods_supported", List.of("S256"));
        List<String> methods = new ArrayList<>(List.of("none", "client_secret_basic", "client_secret_post"));
        boolean assertions = clients.clientIdMetadataDocuments()
                || clients.machineClients().stream().anyMatch(MachineClient::usesKeys);
        if (assertions) {
            methods.add("private_key_jwt");
        }
        m.put("token_endpoint_auth_methods_supported", methods);
        if (assertions) {
            m.put("token_endpoint_auth_signing_alg_values_supported", ClientAssertions.ALGORITHMS);
        }
        m.put("revocation_endpoint_auth_methods_supported", methods);
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("client_id_metadata_document_supported", clients.clientIdMetadataDocuments());
        return m;
    }
}
