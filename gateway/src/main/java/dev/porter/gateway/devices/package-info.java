/**
 * "Sign out my other devices": {@code GET /bff/sessions} lists the signed-in user's own
 * sessions and {@code DELETE /bff/sessions/{id}} or {@code ?others=true} ends them,
 * revoking their refresh tokens. Depends on session (directory, store), logout (registry,
 * revocation) and login (the client registration); nothing depends on it.
 */
@NullMarked
package dev.porter.gateway.devices;

import org.jspecify.annotations.NullMarked;
