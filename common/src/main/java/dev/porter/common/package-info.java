/**
 * Rules that the gateway and profile-service must apply identically, so each is written
 * once: joining a call already in flight ({@link dev.porter.common.SingleFlight}),
 * deciding whether two issuer strings name the same issuer
 * ({@link dev.porter.common.Issuers}), rounding a wait into a {@code Retry-After} header
 * ({@link dev.porter.common.RetryAfter}), closing a Redis connection left unanswered
 * ({@link dev.porter.common.UnansweredConnections}), when a token whose IdP stated no
 * lifetime expires ({@link dev.porter.common.UnstatedLifetimes}), and which signatures a
 * token from the IdP may carry ({@link dev.porter.common.SignatureAlgorithms}).
 * <p>
 * This package depends on Reactor, on Lettuce and Netty for closing connections, and on
 * Nimbus JOSE for reading a JWT (optional: both services have them); nothing here knows
 * Spring, HTTP frameworks or either service.
 */
package dev.porter.common;
