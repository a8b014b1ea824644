/**
 * AES-GCM sealing shared by the login cookie and the session store, the
 * {@code SESSION_ENCRYPTION_KEYS} key ring, and SHA-256.
 */
@NullMarked
package dev.porter.gateway.crypto;

import org.jspecify.annotations.NullMarked;
