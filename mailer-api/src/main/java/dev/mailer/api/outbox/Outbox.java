package dev.mailer.api.outbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable outbox of a mail service (see the {@linkplain dev.mailer.api.outbox package} for its
 * guarantees). Registered as an OSGi service by the mail service that delivers it. Thread-safe.
 */
@ProviderType
public interface Outbox {

    /** Every message in the outbox now, with its state; a consistent view of each entry, not of the whole. */
    OutboxSnapshot snapshot();

    /**
     * Makes a dead or waiting message due now: its next delivery attempt is made as soon as a
     * connection is free. A dead letter gets a new maximum age, counted from now.
     *
     * @return false when there is no such message (delivered or purged meanwhile), or it is being
     *         delivered at this moment
     */
    boolean retry(String id);

    /**
     * Removes a message from the outbox without delivering it (what it was not yet sent to never gets
     * it). A message being delivered at this moment is left alone: try again once that attempt ended.
     *
     * @return false when there is no such message, or it is being delivered at this moment
     */
    boolean purge(String id);

    /**
     * {@linkplain #retry(String) Retries} every dead letter.
     *
     * @return how many dead letters were made due again
     */
    int retryAllDead();
}
