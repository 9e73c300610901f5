package dev.mailer.api.template;

/** What rendering a template does with a placeholder that has no value. */
public enum MissingValues {
    /** Fails, naming the placeholder and where it is: a notification with a gap is usually a bug. */
    FAIL,
    /** Leaves the placeholder out (an empty string). */
    EMPTY
}
