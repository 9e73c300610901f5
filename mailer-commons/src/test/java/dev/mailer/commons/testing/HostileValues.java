package dev.mailer.commons.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random input of every kind a caller or a {@code .cfg.json} file can produce, hostile ones
 * included (CR/LF injections, random bytes, 200 KB values, unresolved placeholders, wrong types),
 * for the fuzz-style tests of the modules. The seed is {@code fuzz.seed} (a fixed default), so a
 * failure can be reproduced.
 */
public final class HostileValues {

    /** The seed of every instance; tests name it in their failure messages. */
    public static final long SEED = Long.getLong("fuzz.seed", 20261202L);

    private final Random random = new Random(SEED);

    /** A random int in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public boolean nextBoolean() {
        return random.nextBoolean();
    }

    /** A text value: a valid mailbox, a header or line injection, a huge value, random bytes, non-ASCII, blank. */
    public String text() {
        switch (random.nextInt(9)) {
            case 0:
                return "jane@example.com";
            case 1:
                return "Jane Doe <jane@example.com>";
            case 2:
                return "jane@example.com\r\nBcc: mallory@example.net";
            case 3:
                return "Subject line\nX-Injected: yes";
            case 4:
                return "x".repeat(random.nextInt(200_000));
            case 5:
                return new String(bytes(random.nextInt(64)), StandardCharsets.ISO_8859_1);
            case 6:
                return new String(bytes(random.nextInt(64)), StandardCharsets.UTF_8);
            case 7:
                return "\u00fcml\u00e4ut \u4e2d\u6587 \ud83d\udce7 <j\u00fcrgen@b\u00fccher.example>";
            default:
                return random.nextBoolean() ? "" : " \t ";
        }
    }

    /** A configuration value of any type ConfigAdmin can deliver, or one a .cfg.json typo produces. */
    public Object configurationValue() {
        switch (random.nextInt(9)) {
            case 0:
                return text();
            case 1:
                return random.nextInt();
            case 2:
                return random.nextLong();
            case 3:
                return random.nextBoolean();
            case 4:
                return random.nextDouble() * 1e12;
            case 5:
                return new String[] {text(), text()};
            case 6:
                return "$[env:UNSET_" + random.nextInt(1000) + "]";
            case 7:
                return new int[] {random.nextInt()};
            default:
                return Integer.toString(random.nextInt(200_000) - 100_000);
        }
    }

    /** The property names metatype derives from a configuration annotation's methods ({@code smtp_host} -> {@code smtp.host}). */
    public static List<String> propertyNames(Class<? extends Annotation> configuration) {
        List<String> names = new ArrayList<>();
        for (Method method : configuration.getDeclaredMethods()) {
            names.add(method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_'));
        }
        names.sort(null);
        return names;
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
