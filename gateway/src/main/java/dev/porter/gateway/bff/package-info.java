/**
 * Where the browser reaches the gateway ({@code PUBLIC_BASE_URL}): the redirect URIs, the
 * {@code Secure} cookie flag and HSTS derive from it.
 */
@NullMarked
package dev.porter.gateway.bff;

import org.jspecify.annotations.NullMarked;
