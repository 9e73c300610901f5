package dev.mailer.oauth.impl;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link RefreshTokenStore} per file in this JVM, whichever configuration or component
 * instance asks: a reconfigured component and an old instance still being deactivated share the
 * store, and with it the lock that keeps a rotated refresh token from being sent twice. A store
 * is held weakly: it is dropped once no component uses it any more.
 */
final class RefreshTokenStores {

    private static final Map<Path, Entry> STORES = new HashMap<>();
    private static final ReferenceQueue<RefreshTokenStore> DROPPED = new ReferenceQueue<>();

    private RefreshTokenStores() {
    }

    /** The store of {@code file}, the same for every spelling of its path. */
    static synchronized RefreshTokenStore of(Path file) {
        for (Entry dropped; (dropped = (Entry) DROPPED.poll()) != null;) {
            STORES.remove(dropped.file, dropped);
        }
        Path key = canonical(file);
        Entry entry = STORES.get(key);
        RefreshTokenStore store = entry == null ? null : entry.get();
        if (store == null) {
            store = new RefreshTokenStore(file);
            STORES.put(key, new Entry(key, store));
        }
        return store;
    }

    /** The file's path with links resolved as far as its directory exists, which it normally does (the bundle data area). */
    private static Path canonical(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            return absolute.getParent().toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            return absolute;
        }
    }

    private static final class Entry extends WeakReference<RefreshTokenStore> {
        final Path file;

        Entry(Path file, RefreshTokenStore store) {
            super(store, DROPPED);
            this.file = file;
        }
    }
}
