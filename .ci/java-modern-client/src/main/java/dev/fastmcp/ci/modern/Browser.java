package dev.fastmcp.ci.modern;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The user's browser during a sign-in: follows redirects by hand, keeps cookies per host (ports ignored, as
 * browsers do), sends the {@code Sec-Fetch-*} and {@code Origin} headers a browser sends, and reads and submits
 * HTML forms. It stops at the first redirect to the app's redirect URI and hands that URL back, without fetching
 * it: the app only needs its query. A browser may carry the cookie of a user signed in at the upstream identity
 * provider ({@link #signedInUpstream}); that cookie is sent to the provider's origin only.
 */
final class Browser {

    /** Where a navigation stopped: an HTML page, or the redirect to the app. */
    sealed interface Stop permits Page, Arrival {
        List<String> hops();
    }

    /** A 200 HTML page. */
    record Page(URI url, String html, Map<String, List<String>> headers, List<String> hops) implements Stop {
    }

    /** The redirect to the app's redirect URI (not fetched). */
    record Arrival(URI url, List<String> hops) implements Stop {
    }

    /** An HTML form: its method, absolute action, fields (hidden and text inputs) and submit buttons. */
    record Form(String method, URI action, List<Map.Entry<String, String>> fields,
            List<Map.Entry<String, String>> buttons) {

        Optional<String> field(String name) {
            return fields.stream().filter(f -> f.getKey().equals(name)).map(Map.Entry::getValue).findFirst();
        }
    }

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form\\s*>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<(input|button)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*(?:=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'=<>`]+)))?");
    private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);");

    private final String name;
    private final HttpClient http;
    private final Checks checks;
    /** host -> cookie name -> value (session cookies only: a sign-in is short). */
    private final Map<String, Map<String, String>> cookies = new LinkedHashMap<>();
    private String upstreamOrigin;
    private String upstreamUser;

    /** @param checks where cookie values are registered as secrets, so that no output shows them */
    Browser(String name, HttpClient http, Checks checks) {
        this.name = name;
        this.http = http;
        this.checks = checks;
    }

    /** This browser is signed in at the upstream provider ({@code origin}) as {@code user}. */
    Browser signedInUpstream(URI origin, String user) {
        this.upstreamOrigin = origin(origin);
        this.upstreamUser = user;
        return this;
    }

    String name() {
        return name;
    }

    /**
     * Navigates from {@code start}: a GET the user started (a link the app opened), then every redirect, until an
     * HTML page or the redirect to {@code redirectUri}.
     */
    Stop open(URI start, String redirectUri) throws IOException, InterruptedException {
        return navigate(start, "GET", null, null, redirectUri);
    }

    /** Submits {@code form} with {@code button} (a name and value) from {@code page}, then follows the redirects. */
    Stop submit(Page page, Form form, Map.Entry<String, String> button, String redirectUri)
            throws IOException, InterruptedException {
        List<Map.Entry<String, String>> fields = new ArrayList<>(form.fields());
        fields.add(button);
        String body = fields.stream().map(f -> encode(f.getKey()) + "=" + encode(f.getValue()))
                .collect(Collectors.joining("&"));
        return navigate(form.action(), form.method().toUpperCase(), body, origin(page.url()), redirectUri);
    }

    private Stop navigate(URI start, String method, String form, String initiator, String redirectUri)
            throws IOException, InterruptedException {
        URI url = start;
        List<URI> chain = new ArrayList<>();
        List<String> hops = new ArrayList<>();
        for (int hop = 0; hop < 20; hop++) {
            chain.add(url);
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(STEP_TIMEOUT)
                    .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                    .header("Sec-Fetch-Mode", "navigate")
                    .header("Sec-Fetch-Dest", "document")
                    .header("Sec-Fetch-Site", fetchSite(initiator, chain))
                    .header("User-Agent", "fastmcp-java-modern-client-browser");
            if (hop == 0) {
                request.header("Sec-Fetch-User", "?1");
            }
            cookieHeader(url).ifPresent(c -> request.header("Cookie", c));
            if ("POST".equals(method)) {
                request.header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", initiator == null ? "null" : initiator)
                        .POST(HttpRequest.BodyPublishers.ofString(form));
            } else {
                request.GET();
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            storeCookies(url, response);
            hops.add(method + " " + origin(url) + url.getPath() + " -> " + response.statusCode());
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() >= 300 && response.statusCode() < 400 && location.isPresent()) {
                URI next = url.resolve(location.get());
                if (next.toString().startsWith(redirectUri)) {
                    return new Arrival(next, hops);
                }
                if (response.statusCode() != 307 && response.statusCode() != 308) {
                    method = "GET";
                    form = null;
                }
                url = next;
                continue;
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() == 200 && type.toLowerCase().startsWith("text/html")) {
                return new Page(url, response.body(), response.headers().map(), hops);
            }
            String body = response.body();
            throw new IllegalStateException(name + ": the navigation stopped at " + method + " " + origin(url)
                    + url.getPath() + ": HTTP " + response.statusCode() + " " + type + " "
                    + (body.length() > 300 ? body.substring(0, 300) + "..." : body) + "\n  hops: "
                    + String.join(" | ", hops));
        }
        throw new IllegalStateException(name + ": more than 20 redirects; hops: " + String.join(" | ", hops));
    }

    /** The forms of a page. */
    static List<Form> forms(Page page) {
        List<Form> forms = new ArrayList<>();
        Matcher m = FORM.matcher(page.html());
        while (m.find()) {
            Map<String, String> attrs = attributes(m.group(1));
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            List<Map.Entry<String, String>> buttons = new ArrayList<>();
            Matcher input = INPUT.matcher(m.group(2));
            while (input.find()) {
                Map<String, String> a = attributes(input.group(2));
                String fieldName = a.get("name");
                if (fieldName == null) {
                    continue;
                }
                boolean button = input.group(1).equalsIgnoreCase("button");
                String type = a.getOrDefault("type", button ? "submit" : "text").toLowerCase();
                (type.equals("submit") ? buttons : fields).add(Map.entry(fieldName, a.getOrDefault("value", "")));
            }
            String action = attrs.getOrDefault("action", "");
            forms.add(new Form(attrs.getOrDefault("method", "get").toLowerCase(),
                    action.isEmpty() ? page.url() : page.url().resolve(action), fields, buttons));
        }
        return forms;
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attrs = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            attrs.putIfAbsent(m.group(1).toLowerCase(), decodeHtml(value == null ? "" : value));
        }
        return attrs;
    }

    private static String decodeHtml(String text) {
        return ENTITY.matcher(text).replaceAll(e -> {
            String entity = e.group(1).toLowerCase();
            String decoded = switch (entity) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> entity.startsWith("#x") ? Character.toString(Integer.parseInt(entity.substring(2), 16))
                        : entity.startsWith("#") ? Character.toString(Integer.parseInt(entity.substring(1)))
                        : e.group();
            };
            return Matcher.quoteReplacement(decoded);
        });
    }

    private void storeCookies(URI url, HttpResponse<?> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] parts = header.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String cookie = parts[0].substring(0, eq).trim();
            String value = parts[0].substring(eq + 1).trim();
            boolean expired = false;
            for (int i = 1; i < parts.length; i++) {
                String attr = parts[i].trim().toLowerCase();
                if (attr.startsWith("max-age=")) {
                    try {
                        expired = Long.parseLong(attr.substring(8).trim()) <= 0;
                    } catch (NumberFormatException e) {
                        expired = false;
                    }
                }
            }
            Map<String, String> jar = cookies.computeIfAbsent(url.getHost(), h -> new LinkedHashMap<>());
            if (expired) {
                jar.remove(cookie);
            } else {
                checks.secret(value);
                jar.put(cookie, value);
            }
        }
    }

    private Optional<String> cookieHeader(URI url) {
        List<String> pairs = new ArrayList<>();
        cookies.getOrDefault(url.getHost(), Map.of()).forEach((k, v) -> pairs.add(k + "=" + v));
        if (upstreamUser != null && origin(url).equals(upstreamOrigin)) {
            pairs.add("upstream_user=" + upstreamUser);
        }
        return pairs.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", pairs));
    }

    /** Sec-Fetch-Site of a navigation: its initiator against every URL of the redirect chain so far. */
    private static String fetchSite(String initiator, List<URI> chain) {
        if (initiator == null) {
            return "none";
        }
        URI from = URI.create(initiator);
        if (chain.stream().allMatch(u -> origin(u).equals(initiator))) {
            return "same-origin";
        }
        if (chain.stream().allMatch(u -> u.getScheme().equals(from.getScheme())
                && u.getHost().equals(from.getHost()))) {
            return "same-site";
        }
        return "cross-site";
    }

    static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
