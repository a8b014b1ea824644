/**
 * Rules that the gateway and profile-service must apply identically, so each is written
 * once: joining a call already in flight ({@link dev.porter.common.SingleFlight}),
 * deciding whether two issuer strings name the same issuer
 * ({@link dev.porter.common.Issuers}), rounding a wait into a {@code Retry-After} header
 * ({@link dev.porter.common.RetryAfter}), and closing a Redis connection left unanswered
 * ({@link dev.porter.common.UnansweredConnections}).
 * <p>
 * This package depends on Reactor, and on Lettuce and Netty for the last one (optional:
 * both services have them); nothing here knows Spring, HTTP frameworks or either service.
 */
package dev.porter.common;
