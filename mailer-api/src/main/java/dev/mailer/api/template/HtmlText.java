package dev.mailer.api.template;

/** Escapes a value for HTML text and attribute values, so that it shows as written and adds no markup. */
final class HtmlText {

    private HtmlText() {
    }

    static String escape(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            String entity = entity(value.charAt(i));
            if (entity != null && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (out != null) {
                out.append(entity != null ? entity : String.valueOf(value.charAt(i)));
            }
        }
        return out == null ? value : out.toString();
    }

    private static String entity(char c) {
        switch (c) {
            case '&':
                return "&amp;";
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '"':
                return "&quot;";
            case '\'':
                return "&#39;";
            default:
                return null;
        }
    }
}
