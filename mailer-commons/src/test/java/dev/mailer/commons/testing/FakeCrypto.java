package dev.mailer.commons.testing;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import dev.mailer.commons.crypto.SecretCipher;
import dev.mailer.commons.crypto.SecretCiphers;

/**
 * {@link SecretCipher}s over {@link FakeCryptoService}s as DS would bind them (a bundle context and
 * service references), for the unit tests of every module; counts the services taken and released.
 */
public final class FakeCrypto {

    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    /** Set by {@link #stop()}: the framework gives the service no more (its bundle stopped). */
    private volatile boolean stopped;

    /** A cipher with the key {@code key}. */
    public static SecretCipher cipher(String key) {
        return new FakeCrypto().of(new FakeCryptoService(key), null, Map.of());
    }

    /** During a key rotation: encrypts with {@code key}, decrypts with it or {@code previousKey}. */
    public static SecretCipher rotated(String key, String previousKey) {
        return new FakeCrypto().of(new FakeCryptoService(key), new FakeCryptoService(previousKey), Map.of());
    }

    /** A cipher as {@link SecretCiphers#of} makes it for these services (null: none bound) and component properties. */
    public SecretCipher of(FakeCryptoService current, FakeCryptoService previous, Map<String, ?> properties) {
        return SecretCiphers.of(context(current, previous), properties, current == null ? null : reference(current),
                previous == null ? null : reference(previous));
    }

    /** From now on the services are gone, as when their bundle stopped. */
    public void stop() {
        stopped = true;
    }

    public int taken() {
        return taken.get();
    }

    public int released() {
        return released.get();
    }

    private BundleContext context(FakeCryptoService current, FakeCryptoService previous) {
        return (BundleContext) Proxy.newProxyInstance(FakeCrypto.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getService":
                            taken.incrementAndGet();
                            return stopped ? null : serviceOf((ServiceReference<?>) args[0]);
                        case "ungetService":
                            released.incrementAndGet();
                            return true;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static Object serviceOf(ServiceReference<?> reference) {
        return ((Holder) Proxy.getInvocationHandler(reference)).service;
    }

    private static ServiceReference<?> reference(FakeCryptoService service) {
        return (ServiceReference<?>) Proxy.newProxyInstance(FakeCrypto.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, new Holder(service));
    }

    /** The service behind a reference. */
    private static final class Holder implements java.lang.reflect.InvocationHandler {
        final FakeCryptoService service;

        Holder(FakeCryptoService service) {
            this.service = service;
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
            if (method.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (method.getName().equals("equals")) {
                return proxy == args[0];
            }
            return null;
        }
    }
}
