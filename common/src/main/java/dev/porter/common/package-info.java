/**
 * Rules that the gateway and profile-service must apply identically, so each is written
 * once: joining a call already in flight ({@link dev.porter.common.SingleFlight}),
 * running work to its end whoever stops waiting for it, its later failure reaching nobody
 * ({@link dev.porter.common.Detached}), throttling the fetches of an IdP's keys while a
 * token lacking its key waits for the next one
 * ({@link dev.porter.common.ThrottledFetches}), deciding whether two issuer strings name
 * the same issuer ({@link dev.porter.common.Issuers}), rounding a wait into a
 * {@code Retry-After} header ({@link dev.porter.common.RetryAfter}), closing a Redis
 * connection left unanswered or reaching a replica
 * ({@link dev.porter.common.RedisConnectionWatches}), naming the code of a Redis refusal
 * in a log line ({@link dev.porter.common.RedisRefusals}), warning of a Redis that may
 * evict keys ({@link dev.porter.common.RedisEvictionPolicyCheck}), when a token whose IdP
 * stated no lifetime expires ({@link dev.porter.common.UnstatedLifetimes}), which
 * signatures a token from the IdP may carry
 * ({@link dev.porter.common.SignatureAlgorithms}), and telling a request body its sender
 * cut off, and that failure's repeat after the answer
 * ({@link dev.porter.common.CutOffBodies}), giving the answer to a request Netty could
 * not decode a problem body ({@link dev.porter.common.UndecodableRequestHandler}), and
 * closing a connection that owes no answer for the idle timeout
 * ({@link dev.porter.common.IdleConnectionHandler}). One rule dev-idp applies too: which
 * management port and address would put actuator on the public port
 * ({@link dev.porter.common.ManagementPorts}).
 * <p>
 * This package depends on Reactor, on Lettuce and Netty for Redis's connections and
 * answers, on Netty's HTTP codec for the undecodable requests and idle connections, and
 * on Nimbus JOSE for reading a JWT (optional: both services have them); nothing here
 * knows Spring, Reactor Netty's server or any service. {@code ManagementPorts} needs none
 * of them, so dev-idp takes this module without Reactor.
 */
package dev.porter.common;
