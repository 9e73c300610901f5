package dev.mailer.api.crypto;

import java.util.List;
import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/** What a {@link Reencryption} did: how many items it wrote again, and each it could not, with the reason. Immutable. */
@ProviderType
public final class ReencryptionReport {

    private final String stored;
    private final int reencrypted;
    private final List<String> failures;

    /**
     * @param stored      what was re-encrypted and where, e.g. {@code outbox messages in /data/outbox}
     * @param reencrypted how many items were written again with the current key
     * @param failures    one text per item left as it was: which file, why, and what to do; never a secret
     */
    public ReencryptionReport(String stored, int reencrypted, List<String> failures) {
        this.stored = Objects.requireNonNull(stored, "stored");
        this.reencrypted = reencrypted;
        this.failures = List.copyOf(failures);
    }

    public String getStored() {
        return stored;
    }

    public int getReencrypted() {
        return reencrypted;
    }

    public List<String> getFailures() {
        return failures;
    }

    /** True when everything stored is now encrypted with the current key. */
    public boolean isComplete() {
        return failures.isEmpty();
    }

    @Override
    public String toString() {
        return "ReencryptionReport[" + stored + ": " + reencrypted + " re-encrypted, " + failures.size() + " failed]";
    }
}
