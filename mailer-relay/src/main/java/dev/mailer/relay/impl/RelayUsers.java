package dev.mailer.relay.impl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.auth.UsernamePasswordValidator;

import dev.mailer.relay.PasswordHash;

/**
 * The local users who may relay after logging in (PLAIN or LOGIN, only after STARTTLS): one per line,
 * {@code name:hash} ({@link PasswordHash}), from a secret. A failed login says nothing about which part
 * was wrong, and nothing of what was sent. Immutable.
 */
final class RelayUsers implements UsernamePasswordValidator {

    private final Map<String, PasswordHash> users;

    private RelayUsers(Map<String, PasswordHash> users) {
        this.users = Collections.unmodifiableMap(users);
    }

    static RelayUsers none() {
        return new RelayUsers(Map.of());
    }

    /**
     * @param text lines {@code name:hash}; empty lines and lines starting with {@code #} are skipped
     * @throws IllegalArgumentException naming the line (by number and user, never the hash)
     */
    static RelayUsers parse(String text) {
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not name:hash");
            }
            String name = line.substring(0, colon);
            try {
                users.put(name, PasswordHash.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " (user " + name + "): " + e.getMessage());
            }
        }
        return new RelayUsers(users);
    }

    boolean isEmpty() {
        return users.isEmpty();
    }

    int size() {
        return users.size();
    }

    @Override
    public void login(String username, String password, MessageContext context) throws LoginFailedException {
        PasswordHash hash = users.get(username);
        if (hash == null) {
            // an unknown user costs a derivation as well, so timing does not tell which names exist
            Decoy.HASH.matches(password);
            throw new LoginFailedException();
        }
        if (!hash.matches(password)) {
            throw new LoginFailedException();
        }
    }

    @Override
    public String toString() {
        return users.size() + " users " + users.keySet();
    }

    /** A hash no password matches in practice, for the time a check of an unknown user takes. */
    private static final class Decoy {
        static final PasswordHash HASH = PasswordHash.parse(PasswordHash.create("decoy".toCharArray()));
    }
}
