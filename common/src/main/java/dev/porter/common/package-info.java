/**
 * Rules that the gateway and profile-service must apply identically, so each is written
 * once: joining a call already in flight ({@link dev.porter.common.SingleFlight}),
 * deciding whether two issuer strings name the same issuer
 * ({@link dev.porter.common.Issuers}), and rounding a wait into a {@code Retry-After}
 * header ({@link dev.porter.common.RetryAfter}).
 * <p>
 * This package depends on Reactor only; nothing here knows Spring, HTTP frameworks or
 * either service.
 */
package dev.porter.common;
