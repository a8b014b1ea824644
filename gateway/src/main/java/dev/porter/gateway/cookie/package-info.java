/**
 * Reading one cookie of a request without decoding them all, the request's {@code Cookie}
 * headers scanned once: what the session cookie and the CSRF cookie both need on every
 * request. Depends on nothing of the gateway's.
 */
@NullMarked
package dev.porter.gateway.cookie;

import org.jspecify.annotations.NullMarked;
