package dev.fastmcp.providers;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Microsoft Entra ID tenant as the v2.0 endpoints name it, and which tenants' users its ID tokens may come from.
 *
 * @param value the tenant in the endpoint URLs: {@code common}, {@code organizations}, {@code consumers}, a
 *              directory (tenant) id or a verified domain name
 */
record AzureTenant(String value) {

    /** The tenant of personal Microsoft accounts. */
    static final String CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
    private static final List<String> KEYWORDS = List.of("common", "organizations", "consumers");
    private static final Pattern GUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");

    /** Checks the tenant; the message lists the accepted forms and suggests a near keyword. */
    static AzureTenant parse(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("AzureProvider: tenant is required. " + forms());
        }
        String t = tenant.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (KEYWORDS.contains(lower) || GUID.matcher(t).matches()) {
            return new AzureTenant(lower);
        }
        if (DOMAIN.matcher(t).matches()) {
            return new AzureTenant(lower);
        }
        String suggestion = KEYWORDS.stream().filter(k -> distance(k, lower) <= 2).findFirst()
                .map(k -> " Did you mean '" + k + "'?").orElse("");
        throw new IllegalArgumentException("AzureProvider: tenant '" + tenant + "' is not valid." + suggestion + " "
                + forms());
    }

    private static String forms() {
        return "Use 'common' (work, school and personal accounts), 'organizations' (work and school accounts), "
                + "'consumers' (personal accounts), the directory (tenant) ID of your Entra tenant, such as "
                + "'72f988bf-86f1-41af-91ab-2d7cd011db47', or its verified domain, such as 'contoso.onmicrosoft.com'";
    }

    /** Whether this is one tenant (an id or a domain) rather than a multi-tenant keyword. */
    boolean single() {
        return !KEYWORDS.contains(value);
    }

    /**
     * Whether a user of the tenant {@code tid} may sign in. A domain name cannot be compared with a tenant id
     * without a lookup; Entra only signs in that tenant's users at its endpoints, so any {@code tid} passes.
     */
    boolean accepts(String tid) {
        return switch (value) {
            case "common" -> true;
            case "organizations" -> !CONSUMERS_TENANT_ID.equals(tid);
            case "consumers" -> CONSUMERS_TENANT_ID.equals(tid);
            default -> !GUID.matcher(value).matches() || value.equalsIgnoreCase(tid);
        };
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
