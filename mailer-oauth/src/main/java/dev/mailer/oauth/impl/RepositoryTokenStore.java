package dev.mailer.oauth.impl;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;

import org.apache.sling.api.resource.LoginException;
import org.apache.sling.api.resource.ModifiableValueMap;
import org.apache.sling.api.resource.PersistenceException;
import org.apache.sling.api.resource.Resource;
import org.apache.sling.api.resource.ResourceResolver;
import org.apache.sling.api.resource.ResourceResolverFactory;
import org.apache.sling.api.resource.ValueMap;
import org.apache.sling.api.wrappers.ValueMapDecorator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.oauth.TokenStatus.RefreshTokenSource;
import dev.mailer.commons.crypto.CipherException;
import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;

/**
 * The refresh token chain in the Sling repository, which every instance of a cluster shares: one
 * node {@code <tokenRepositoryPath>/<key>} per chain, read and written by the service user of the
 * sub-service {@value #SUBSERVICE} (the repoinit and mapping ship with the mailer). The tokens are
 * encrypted with the CryptoService when there is one.
 *
 * <p>Every write is optimistic: it reads the node, decides, and saves with a new {@value #REVISION};
 * when another instance saved the node meanwhile, the repository refuses the save (a conflict) and the
 * write starts again from what the node holds now. On that rests the {@linkplain #renewal(String)
 * renewal lease}: the instance that claims it first exchanges the refresh token and leaves the access
 * token it obtained in the node; the others wait for the lease to end and use that token. So the
 * refresh token is sent once, whichever instance's access token expires first.
 *
 * <p>Until the node has a token, one this instance kept in its bundle data area for the same chain
 * ({@code local}) is moved into it: switching an instance to the repository never sends an exchanged
 * token again. Thread-safe; one instance per configuration of the token provider.
 */
final class RepositoryTokenStore implements TokenChainStore {

    /** The sub-service whose service user reads and writes the chains. */
    static final String SUBSERVICE = "token-store";
    /** The bundle the sub-service belongs to (service user mappings name it). */
    static final String BUNDLE = "dev.mailer.mailer-oauth";
    /** The service user the repoinit of the mailer creates for {@link #SUBSERVICE}. */
    static final String SERVICE_USER = "mailer-token-store";

    static final String REFRESH_TOKEN = "refreshToken";
    static final String REFRESH_TOKEN_ENCRYPTED = "refreshTokenEncrypted";
    static final String SOURCE = "source";
    static final String SAVED = "saved";
    static final String ACCESS_TOKEN = "accessToken";
    static final String ACCESS_TOKEN_ENCRYPTED = "accessTokenEncrypted";
    static final String ACCESS_TOKEN_OBTAINED = "accessTokenObtained";
    static final String ACCESS_TOKEN_EXPIRES = "accessTokenExpires";
    static final String ACCESS_TOKEN_RENEW = "accessTokenRenew";
    static final String ACCESS_TOKEN_SCOPE = "accessTokenScope";
    static final String LEASE_OWNER = "renewalOwner";
    static final String LEASE_UNTIL = "renewalUntil";
    /** Changed by every write, so that two writes from the same state conflict. */
    static final String REVISION = "revision";

    /** Saves refused for a concurrent change in a row before a write gives up: far more than instances contend in practice. */
    private static final int MAX_ATTEMPTS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryTokenStore.class);

    private final ResourceResolverFactory factory;
    private final String path;
    private final RefreshTokenStore local;
    private final Clock clock;
    private final Duration lease;
    /** Identifies this store's leases; the lock serializes this instance's threads before they contend with others. */
    private final String owner = UUID.randomUUID().toString();
    private final Map<String, RepositoryRenewal> renewals = new HashMap<>();
    private volatile SecretCipher cipher = SecretCiphers.none();

    /**
     * @param local the chain this instance kept before, moved into the node once; null when there is none
     * @param lease how long a claimed renewal may take before another instance may take it over: longer
     *              than a token request can last
     */
    RepositoryTokenStore(ResourceResolverFactory factory, String path, RefreshTokenStore local, Clock clock, Duration lease) {
        this.factory = factory;
        this.path = path;
        this.local = local;
        this.clock = clock;
        this.lease = lease;
    }

    @Override
    public void useCipher(SecretCipher cipher) {
        this.cipher = cipher;
    }

    @Override
    public Location location() {
        return new Location(Location.Kind.REPOSITORY, path, SERVICE_USER);
    }

    @Override
    public synchronized Lock renewal(String key) {
        return renewals.computeIfAbsent(key, k -> new RepositoryRenewal(this, k, owner, clock));
    }

    @Override
    public RefreshTokenStore.Stored get(String key) throws IOException {
        RefreshTokenStore.Stored stored = read(key);
        if (stored != null || local == null) {
            return stored;
        }
        RefreshTokenStore.Stored kept = local.get(key);
        if (kept == null) {
            return null;
        }
        boolean moved = write(key, node -> {
            if (node.containsKey(REFRESH_TOKEN) || node.containsKey(REFRESH_TOKEN_ENCRYPTED)) {
                return null; // another instance was faster: its chain is the cluster's
            }
            return refreshTokenProperties(kept.token, kept.source, kept.savedAt);
        });
        if (moved) {
            LOG.info("Moved the refresh token this instance kept in {} into {}, which every instance of the cluster uses from now on",
                    local.location(), location());
        }
        return read(key);
    }

    @Override
    public void put(String key, String refreshToken, RefreshTokenSource source, Instant savedAt) throws IOException {
        write(key, node -> refreshTokenProperties(refreshToken, source, savedAt));
    }

    @Override
    public boolean replace(String key, String sent, String successor, Instant savedAt) throws IOException {
        return write(key, node -> {
            RefreshTokenStore.Stored stored = stored(key, node);
            if (stored != null && stored.undecryptable == null && !stored.token.equals(sent)) {
                return null; // a newer token is stored by now: keep it
            }
            return refreshTokenProperties(successor, RefreshTokenSource.ROTATED, savedAt);
        });
    }

    @Override
    public AccessToken sharedAccessToken(String key) throws IOException {
        ValueMap node = node(key);
        if (node == null) {
            return null;
        }
        String value = secret(node, ACCESS_TOKEN, ACCESS_TOKEN_ENCRYPTED);
        Instant obtained = instant(node.get(ACCESS_TOKEN_OBTAINED, String.class));
        Instant expires = instant(node.get(ACCESS_TOKEN_EXPIRES, String.class));
        Instant renew = instant(node.get(ACCESS_TOKEN_RENEW, String.class));
        if (value == null || obtained == null || expires == null || renew == null) {
            return null;
        }
        return new AccessToken(value, obtained, expires, renew, node.get(ACCESS_TOKEN_SCOPE, String.class));
    }

    @Override
    public void shareAccessToken(String key, AccessToken token) throws IOException {
        Map<String, Object> properties = new HashMap<>();
        putSecret(properties, ACCESS_TOKEN, ACCESS_TOKEN_ENCRYPTED, token.value);
        properties.put(ACCESS_TOKEN_OBTAINED, token.obtainedAt.toString());
        properties.put(ACCESS_TOKEN_EXPIRES, token.expiresAt.toString());
        properties.put(ACCESS_TOKEN_RENEW, token.renewAt.toString());
        properties.put(ACCESS_TOKEN_SCOPE, token.scope);
        write(key, node -> properties);
    }

    /**
     * Claims the renewal of {@code key}'s chain for {@code claimant} until {@code now} plus the lease,
     * unless another holds an unexpired claim.
     *
     * @return false when another holds it
     */
    boolean claim(String key, String claimant, Instant now) throws IOException {
        return write(key, node -> {
            String holder = node.get(LEASE_OWNER, String.class);
            Instant until = instant(node.get(LEASE_UNTIL, String.class));
            if (holder != null && !holder.equals(claimant) && until != null && now.isBefore(until)) {
                return null;
            }
            Map<String, Object> claimed = new HashMap<>();
            claimed.put(LEASE_OWNER, claimant);
            claimed.put(LEASE_UNTIL, now.plus(lease).toString());
            return claimed;
        });
    }

    /** Ends {@code claimant}'s claim on {@code key}'s chain, if it still holds it. */
    void release(String key, String claimant) throws IOException {
        write(key, node -> {
            if (!claimant.equals(node.get(LEASE_OWNER, String.class))) {
                return null;
            }
            Map<String, Object> released = new HashMap<>();
            released.put(LEASE_OWNER, null);
            released.put(LEASE_UNTIL, null);
            return released;
        });
    }

    private RefreshTokenStore.Stored read(String key) throws IOException {
        ValueMap node = node(key);
        return node == null ? null : stored(key, node);
    }

    private RefreshTokenStore.Stored stored(String key, ValueMap node) {
        RefreshTokenSource source = RefreshTokenSource.AUTHORIZED.name().equals(node.get(SOURCE, String.class))
                ? RefreshTokenSource.AUTHORIZED : RefreshTokenSource.ROTATED;
        Instant saved = instant(node.get(SAVED, String.class));
        Instant savedAt = saved == null ? Instant.EPOCH : saved;
        String encrypted = node.get(REFRESH_TOKEN_ENCRYPTED, String.class);
        if (encrypted != null) {
            try {
                return new RefreshTokenStore.Stored(key, cipher.decrypt(encrypted), source, savedAt);
            } catch (CipherException e) {
                return new RefreshTokenStore.Stored(key, source, savedAt, e.getMessage());
            }
        }
        String token = node.get(REFRESH_TOKEN, String.class);
        return token == null || token.isBlank() ? null : new RefreshTokenStore.Stored(key, token, source, savedAt);
    }

    private Map<String, Object> refreshTokenProperties(String token, RefreshTokenSource source, Instant savedAt) throws CipherException {
        Map<String, Object> properties = new HashMap<>();
        putSecret(properties, REFRESH_TOKEN, REFRESH_TOKEN_ENCRYPTED, token);
        properties.put(SOURCE, source.name());
        properties.put(SAVED, savedAt.toString());
        // a new chain link: the access token of the old one is no longer the one to share
        for (String name : new String[] {ACCESS_TOKEN, ACCESS_TOKEN_ENCRYPTED, ACCESS_TOKEN_OBTAINED, ACCESS_TOKEN_EXPIRES,
                ACCESS_TOKEN_RENEW, ACCESS_TOKEN_SCOPE}) {
            properties.put(name, null);
        }
        return properties;
    }

    /** The secret as {@code encryptedName} when there is a CryptoService, else as {@code plainName}; the other one removed. */
    private void putSecret(Map<String, Object> properties, String plainName, String encryptedName, String secret) throws CipherException {
        SecretCipher with = cipher;
        properties.put(with.isPresent() ? encryptedName : plainName, with.isPresent() ? with.encrypt(secret) : secret);
        properties.put(with.isPresent() ? plainName : encryptedName, null);
    }

    /** The secret, decrypted; null when there is none or it cannot be decrypted (another key). */
    private String secret(ValueMap node, String plainName, String encryptedName) {
        String encrypted = node.get(encryptedName, String.class);
        if (encrypted == null) {
            return node.get(plainName, String.class);
        }
        try {
            return cipher.decrypt(encrypted);
        } catch (CipherException e) {
            return null;
        }
    }

    /** What the node of {@code key} holds now (a session of its own: what others saved is seen); null when there is none. */
    private ValueMap node(String key) throws IOException {
        try (ResourceResolver resolver = login()) {
            Resource resource = resolver.getResource(path + "/" + key);
            return resource == null ? null : new ValueMapDecorator(new HashMap<>(resource.getValueMap()));
        }
    }

    /** Computes the properties to change from what the node holds, or null for none. */
    @FunctionalInterface
    interface Change {
        Map<String, Object> of(ValueMap node) throws IOException;
    }

    /**
     * Applies {@code change} to the node of {@code key} (created when missing), again from what the node
     * holds whenever the save is refused because another session saved it meanwhile.
     *
     * @return false when {@code change} changed nothing
     */
    private boolean write(String key, Change change) throws IOException {
        PersistenceException refused = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (ResourceResolver resolver = login()) {
                Resource parent = resolver.getResource(path);
                if (parent == null) {
                    throw new IOException(path + " does not exist or the service user " + SERVICE_USER + " cannot read it");
                }
                Resource resource = parent.getChild(key);
                ValueMap node = resource == null ? ValueMap.EMPTY : resource.getValueMap();
                Map<String, Object> changes = change.of(node);
                if (changes == null) {
                    return false;
                }
                Map<String, Object> properties = new HashMap<>(changes);
                properties.put(REVISION, UUID.randomUUID().toString());
                if (resource == null) {
                    properties.values().removeIf(value -> value == null);
                    properties.put("jcr:primaryType", "nt:unstructured");
                    resolver.create(parent, key, properties);
                } else {
                    ModifiableValueMap modifiable = resource.adaptTo(ModifiableValueMap.class);
                    if (modifiable == null) {
                        throw new IOException(resource.getPath() + " cannot be changed by the service user " + SERVICE_USER);
                    }
                    properties.forEach((name, value) -> {
                        if (value == null) {
                            modifiable.remove(name);
                        } else {
                            modifiable.put(name, value);
                        }
                    });
                }
                resolver.commit();
                return true;
            } catch (PersistenceException e) {
                refused = e; // most likely saved by another instance since it was read: decide again on what it holds now
            }
        }
        throw new IOException("The token chain at " + path + "/" + key + " cannot be saved (" + MAX_ATTEMPTS + " attempts): "
                + refused.getMessage(), refused);
    }

    private ResourceResolver login() throws IOException {
        try {
            return factory.getServiceResourceResolver(Map.of(ResourceResolverFactory.SUBSERVICE, SUBSERVICE));
        } catch (LoginException e) {
            throw new IOException("No repository session for the sub-service " + SUBSERVICE + " of " + BUNDLE + " ("
                    + e.getMessage() + ")", e);
        }
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
