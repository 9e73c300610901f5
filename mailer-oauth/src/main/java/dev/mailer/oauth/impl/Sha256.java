package dev.mailer.oauth.impl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, for the PKCE challenge and the key of a stored refresh token. */
final class Sha256 {

    private Sha256() {
    }

    static byte[] of(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must have it
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
