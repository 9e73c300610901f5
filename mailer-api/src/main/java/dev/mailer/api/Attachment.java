package dev.mailer.api;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** A file attached to an {@link Email}. Immutable; the content is copied in and out. */
@ProviderType
public final class Attachment {

    private final String fileName;
    private final String contentType;
    private final byte[] content;

    /**
     * @param fileName    the name the recipient sees, without CR or LF
     * @param contentType a MIME type such as {@code application/pdf}
     * @param content     the bytes, copied
     */
    public Attachment(String fileName, String contentType, byte[] content) {
        this.fileName = HeaderValues.requireSafe("attachment file name", fileName);
        this.contentType = HeaderValues.requireMimeType("attachment content type of " + fileName, contentType, "application/pdf");
        this.content = Objects.requireNonNull(content, "attachment content of " + fileName).clone();
    }

    public String getFileName() {
        return fileName;
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
        return "Attachment[" + fileName + ", " + contentType + ", " + content.length + " bytes]";
    }
}
