/**
 * How the gateway builds its in-memory caches. Depends on no other package of the
 * gateway.
 */
@NullMarked
package dev.porter.gateway.cache;

import org.jspecify.annotations.NullMarked;
