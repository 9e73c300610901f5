package dev.mailer.oauth.web.impl;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import javax.servlet.http.HttpServletResponse;

/**
 * A minimal HTML page for the admin's browser: a title, paragraphs, links, a button, facts, every text
 * escaped (messages quote provider replies and user names). Not thread-safe; one per response.
 */
final class Page {

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> facts = new ArrayList<>();

    private Page(String title) {
        this.title = title;
    }

    static Page titled(String title) {
        return new Page(title);
    }

    Page paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A link relative to the current address, e.g. {@code authorize} from {@code .../token}. */
    Page link(String text, String relativeHref) {
        body.append("<p><a href=\"").append(escape(relativeHref)).append("\">").append(escape(text)).append("</a></p>\n");
        return this;
    }

    /**
     * A button that posts {@code hiddenName=hiddenValue} to {@code relativeAction}, no script needed.
     * The CSP lets it post: {@code default-src} does not cover {@code form-action}, and a
     * {@code form-action 'self'} would also block the redirect the answer may be (to the provider).
     */
    Page postButton(String relativeAction, String hiddenName, String hiddenValue, String button) {
        body.append("<form method=\"POST\" action=\"").append(escape(relativeAction)).append("\">\n")
                .append("<input type=\"hidden\" name=\"").append(escape(hiddenName)).append("\" value=\"")
                .append(escape(hiddenValue)).append("\">\n")
                .append("<button type=\"submit\">").append(escape(button)).append("</button>\n</form>\n");
        return this;
    }

    /** A name and value, shown as a list after the paragraphs. */
    Page fact(String name, String value) {
        facts.add(new String[] {name, value});
        return this;
    }

    void send(HttpServletResponse response, int status) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title></head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n")
                .append(body);
        if (!facts.isEmpty()) {
            html.append("<dl>\n");
            for (String[] fact : facts) {
                html.append("<dt>").append(escape(fact[0])).append("</dt><dd>").append(escape(fact[1])).append("</dd>\n");
            }
            html.append("</dl>\n");
        }
        html.append("</body></html>\n");
        PrintWriter writer = response.getWriter();
        writer.write(html.toString());
        writer.flush();
    }

    /**
     * Headers for every answer of the servlets: nothing cached (the token callback's address holds
     * the authorization code), no referrer leaving it, no script, no framing, no content sniffing.
     */
    static void secureHeaders(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default: out.append(c);
            }
        }
        return out.toString();
    }
}
