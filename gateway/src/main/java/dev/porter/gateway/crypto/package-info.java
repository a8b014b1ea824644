/**
 * AES-GCM sealing shared by the login cookie and the session store, and the
 * {@code SESSION_ENCRYPTION_KEYS} key ring.
 */
@NullMarked
package dev.porter.gateway.crypto;

import org.jspecify.annotations.NullMarked;
