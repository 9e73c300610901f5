package dev.mailer.api;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A part of an {@link Email}'s HTML body that the HTML refers to as {@code cid:<contentId>}, such as
 * a logo in {@code <img src="cid:logo">}. Immutable; the content is copied in and out.
 *
 * @since 1.3
 */
@ProviderType
public final class InlineImage {

    private final String contentId;
    private final String contentType;
    private final byte[] content;

    /**
     * @param contentId   what the HTML names after {@code cid:}, e.g. {@code logo}: printable ASCII
     *                    without spaces, {@code <} or {@code >}
     * @param contentType a MIME type such as {@code image/png}
     * @param content     the bytes, copied
     */
    public InlineImage(String contentId, String contentType, byte[] content) {
        this.contentId = requireContentId(contentId);
        this.contentType = HeaderValues.requireMimeType("inline image content type of cid:" + contentId, contentType, "image/png");
        this.content = Objects.requireNonNull(content, "inline image content of cid:" + contentId).clone();
    }

    /** The id the HTML refers to as {@code cid:<id>}, without angle brackets. */
    public String getContentId() {
        return contentId;
    }

    public String getContentType() {
        return contentType;
    }

    /** A copy of the content. */
    public byte[] getContent() {
        return content.clone();
    }

    public int getSize() {
        return content.length;
    }

    @Override
    public String toString() {
        return "InlineImage[cid:" + contentId + ", " + contentType + ", " + content.length + " bytes]";
    }

    private static String requireContentId(String contentId) {
        HeaderValues.requireSafe("inline image content id", contentId);
        for (int i = 0; i < contentId.length(); i++) {
            char c = contentId.charAt(i);
            if (c <= ' ' || c > '~' || c == '<' || c == '>') {
                throw new IllegalArgumentException("inline image content id must be printable ASCII without spaces, '<' or '>'"
                        + " (the HTML refers to it as cid:<id>), was: " + contentId);
            }
        }
        return contentId;
    }
}
