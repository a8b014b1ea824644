/**
 * Which proxies' {@code Forwarded} and {@code X-Forwarded-*} headers the gateway believes
 * ({@code TRUSTED_PROXIES}), and the client address that follows from them.
 */
@NullMarked
package dev.porter.gateway.forwarded;

import org.jspecify.annotations.NullMarked;
