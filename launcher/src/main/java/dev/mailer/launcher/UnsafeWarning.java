package dev.mailer.launcher;

import java.lang.reflect.Field;

/**
 * Keeps the JDK's warning about Felix's use of {@code sun.misc.Unsafe} off stderr. On JDK 24 and
 * later every run would otherwise start with four lines "WARNING: sun.misc.Unsafe::staticFieldOffset
 * has been called by org.apache.felix.framework.util.SecureAction ...".
 *
 * <p>Felix 7.0.5, the newest framework release, makes that call in the static initializer of
 * {@code SecureAction}, whatever the framework properties: to open {@code java.net} classes for
 * its URL handlers it reads {@code MethodHandles.Lookup.IMPL_LOOKUP} through
 * {@code Unsafe.staticFieldOffset}. The JDK option that allows it without a warning
 * ({@code --sun-misc-unsafe-memory-access=allow}) has no jar-manifest equivalent, so a
 * {@code java -jar} user could not avoid the warning.
 *
 * <p>The JDK warns once per JVM, at the first such call, and in the launcher Felix makes it before
 * any bundle runs; marking the warning as given just before Felix loads therefore hides nothing the
 * JDK would otherwise print. The JDK's own switches keep working: {@code =debug} reports every call,
 * {@code =deny} refuses them (Felix then falls back to plain reflection).
 */
final class UnsafeWarning {

    private UnsafeWarning() {
    }

    /** Call before the first Felix class is loaded. */
    static void markGivenBeforeFelixLoads() {
        try {
            // sun.misc is open to every module (jdk.unsupported), so this needs no --add-opens
            Field warned = Class.forName("sun.misc.Unsafe").getDeclaredField("memoryAccessWarned");
            warned.setAccessible(true);
            warned.setBoolean(null, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a JDK before 23 has no such warning; on a JDK that changed it, the warning shows and nothing else changes
        }
    }
}
