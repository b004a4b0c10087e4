package dev.fastmcp.ci.modern;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parameters of a {@code WWW-Authenticate: Bearer ...} challenge. */
record Challenge(String header, Map<String, String> params) {

    private static final Pattern PARAM = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");

    static Challenge parse(String header) {
        Checks.require(header != null, "no WWW-Authenticate header");
        Checks.require(header.regionMatches(true, 0, "Bearer", 0, 6), "not a Bearer challenge: " + header);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header.substring(6));
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
            params.put(m.group(1).toLowerCase(), value);
        }
        return new Challenge(header, params);
    }

    String get(String name) {
        return params.get(name);
    }

    Set<String> scopes() {
        String scope = params.getOrDefault("scope", "");
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
        scopes.remove("");
        return scopes;
    }
}
