package dev.fastmcp.devidp;

import dev.fastmcp.auth.internal.Html;
import java.util.List;
import java.util.Map;

/**
 * The sign-in page of the development identity provider: one self-contained HTML document (no script, no
 * external resource) with a development-only banner, a user name field, and role and scope check boxes. Every
 * value is escaped.
 */
final class SignInPage {

    static final String FIELD_REQUEST = "request_id";
    static final String FIELD_CSRF = "csrf_token";
    static final String FIELD_USERNAME = "username";
    static final String FIELD_ROLE = "role";
    static final String FIELD_SCOPE = "scope";
    static final String FIELD_ACTION = "action";
    static final String ACTION_SIGN_IN = "sign_in";
    static final String ACTION_CANCEL = "cancel";

    /** What the page shows; {@code username}, {@code roles} and {@code scopes} are the current choices. */
    record Form(String requestId, String csrfToken, String clientId, String redirectUri, List<String> offeredRoles,
            List<String> requestedScopes, String username, List<String> roles, List<String> scopes, String error) {
    }

    private static final String CSS = String.join("",
            ".banner{margin:-28px -28px 20px;padding:12px 28px;background:#b91c1c;color:#fff;",
            "border-radius:12px 12px 0 0;font-size:14px}",
            "h1{font-size:21px;margin:0 0 8px}p{margin:6px 0}",
            "code{font:13px ui-monospace,Menlo,Consolas,monospace;color:#374151}",
            ".muted{color:#6b7280;font-size:13px}",
            ".error{padding:8px 12px;border:1px solid #fca5a5;border-radius:8px;background:#fef2f2;color:#991b1b}",
            "label.field{display:block;font-weight:600;margin:18px 0 4px}",
            "input[type=text]{width:100%;font:inherit;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px}",
            "fieldset{border:1px solid #e5e7eb;border-radius:8px;margin:16px 0 0;padding:8px 14px}",
            "legend{font-weight:600;padding:0 4px}fieldset label{display:block;margin:4px 0}",
            ".buttons{display:flex;gap:12px;justify-content:flex-end;margin-top:24px}",
            "button{font:inherit;font-weight:600;padding:9px 20px;border-radius:8px;cursor:pointer}",
            ".cancel{background:#fff;color:#111827;border:1px solid #d1d5db}",
            ".submit{background:#1d4ed8;color:#fff;border:1px solid #1d4ed8}");

    private static final Html.Page PAGE = new Html.Page(CSS, "no-referrer");

    private SignInPage() {
    }

    /** The security headers of the page. */
    static Map<String, String> headers() {
        return PAGE.headers();
    }

    static String render(Form form) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<div class=\"banner\" role=\"alert\"><strong>Development identity provider - not for ")
                .append("production.</strong> Anyone who can open this page can sign in as any user, with any role.")
                .append("</div>\n<h1>Sign in</h1>\n<p>The application <code>").append(Html.text(form.clientId()))
                .append("</code> asks you to sign in. Afterwards your browser returns to <code>")
                .append(Html.text(form.redirectUri())).append("</code>.</p>\n");
        if (form.error() != null) {
            html.append("<p class=\"error\" role=\"alert\">").append(Html.text(form.error())).append("</p>\n");
        }
        html.append("<form method=\"post\" action=\"/authorize\">\n");
        hidden(html, FIELD_REQUEST, form.requestId());
        hidden(html, FIELD_CSRF, form.csrfToken());
        html.append("<label class=\"field\" for=\"username\">User name</label>\n")
                .append("<input type=\"text\" id=\"username\" name=\"").append(FIELD_USERNAME)
                .append("\" value=\"").append(Html.text(form.username() == null ? "" : form.username()))
                .append("\" maxlength=\"64\" required autofocus autocomplete=\"off\" placeholder=\"alice\">\n")
                .append("<p class=\"muted\">Any name: letters, digits and <code>. _ @ -</code>. It becomes the ")
                .append("subject (<code>sub</code>) of the tokens.</p>\n");
        checkboxes(html, "Roles", FIELD_ROLE, form.offeredRoles(), form.roles(),
                "No roles are offered.");
        checkboxes(html, "Scopes", FIELD_SCOPE, form.requestedScopes(), form.scopes(),
                "The application asked for no scopes.");
        html.append("<div class=\"buttons\">\n")
                .append("<button type=\"submit\" class=\"cancel\" name=\"").append(FIELD_ACTION).append("\" value=\"")
                .append(ACTION_CANCEL).append("\" formnovalidate>Cancel</button>\n")
                .append("<button type=\"submit\" class=\"submit\" name=\"").append(FIELD_ACTION).append("\" value=\"")
                .append(ACTION_SIGN_IN).append("\">Sign in</button>\n")
                .append("</div>\n</form>\n");
        return PAGE.render("Sign in - development identity provider", html.toString());
    }

    /** A page with a message and no form, for requests that cannot go back to the application. */
    static String message(String title, String message) {
        return PAGE.render(Html.text(title), "<div class=\"banner\" role=\"alert\"><strong>Development identity "
                + "provider - not for production.</strong></div>\n<h1>" + Html.text(title) + "</h1>\n<p>"
                + Html.text(message) + "</p>\n");
    }

    private static void hidden(StringBuilder html, String name, String value) {
        html.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(Html.text(value))
                .append("\">\n");
    }

    private static void checkboxes(StringBuilder html, String legend, String name, List<String> offered,
            List<String> checked, String none) {
        html.append("<fieldset>\n<legend>").append(legend).append("</legend>\n");
        if (offered.isEmpty()) {
            html.append("<p class=\"muted\">").append(none).append("</p>\n");
        }
        for (String value : offered) {
            html.append("<label><input type=\"checkbox\" name=\"").append(name).append("\" value=\"")
                    .append(Html.text(value)).append('"').append(checked.contains(value) ? " checked" : "")
                    .append("> <code>").append(Html.text(value)).append("</code></label>\n");
        }
        html.append("</fieldset>\n");
    }
}
