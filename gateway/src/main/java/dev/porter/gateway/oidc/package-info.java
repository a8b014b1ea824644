/**
 * What login, logout and the token relay need of the IdP: its settings ({@code OIDC_*}),
 * the HTTP client with bounded waits, the discovery document and the one client
 * registration built from it. Uses no feature package.
 */
@NullMarked
package dev.porter.gateway.oidc;

import org.jspecify.annotations.NullMarked;
