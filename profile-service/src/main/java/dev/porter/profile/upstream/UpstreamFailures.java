package dev.porter.profile.upstream;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

import org.springframework.web.ErrorResponseException;

/**
 * Which failures count against an upstream's circuit, which are retried, how long a retry
 * waits (the classification rules that {@code ResilienceConfiguration} wires into the
 * Resilience4j instances), and which leave a change surely unapplied.
 */
public final class UpstreamFailures {

	/** The upstream whose failures the caller's own token or rate limit can earn. */
	public static final String USERINFO = "userinfo";

	private UpstreamFailures() {
	}

	/**
	 * Whether a 429 from {@code name} is the caller's own limit: Auth0 keys
	 * {@code /userinfo}'s to one user; the Management API's is the tenant's, shared by
	 * all.
	 */
	public static boolean rateLimitIsTheCallers(String name) {
		return USERINFO.equals(name);
	}

	/**
	 * Outcomes that are neither the upstream's failure nor its success, so the breaker
	 * ignores them: answers the caller's own request earned (the directory's "no such
	 * user" 404, a refused caller token at {@code /userinfo}, a refused change: 400, 409,
	 * 413, 422) and our own full bulkhead or rate limiter, and a change its caller kept
	 * from being sent ({@link BeforeFirstAttempt}). Counted as failures, one caller's bad
	 * requests would open the circuit for everybody; counted as successes, they would
	 * hide a real outage. Auth0 keys {@code /userinfo}'s rate limit to one user, so its
	 * 429 is that user's; the Management API's 429 is the tenant's, shared by all, and
	 * counts.
	 */
	public static boolean saysNothingAboutUpstream(String name, Throwable ex) {
		if (ex instanceof UpstreamException upstream) {
			return switch (upstream.kind()) {
				case NOT_FOUND, REFUSED, ENTRY_UNUSABLE -> true;
				// userinfo refuses the caller's token; the Management API refuses ours,
				// which fails every request until someone rotates the credential.
				case TOKEN_REJECTED -> USERINFO.equals(name);
				case RATE_LIMITED -> rateLimitIsTheCallers(name);
				case UNAVAILABLE, BAD_RESPONSE -> false;
			};
		}
		return ex instanceof BulkheadFullException || ex instanceof RequestNotPermitted
				|| ex instanceof BeforeFirstAttempt.Refused;
	}

	/**
	 * Whether {@code ex} says the upstream cannot serve this one entry
	 * ({@link UpstreamException.Kind#ENTRY_UNUSABLE}: her record too large or too deep to
	 * read, a {@code /userinfo} answer about someone else): asked again at once, it would
	 * answer the same.
	 */
	public static boolean aboutTheEntryAlone(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof UpstreamException upstream) {
				return upstream.kind() == UpstreamException.Kind.ENTRY_UNUSABLE;
			}
		}
		return false;
	}

	/**
	 * Whether one attempt of a change that failed surely left the upstream as it was:
	 * answered with a 4xx (a 429 included), whatever the failure was classified as (a 403
	 * to our own token is a {@code BAD_RESPONSE}, Keycloak's store refusing one user's
	 * write an {@code ENTRY_UNUSABLE}), or never sent (an open circuit, our full bulkhead
	 * or rate limiter, a refused connection, no pooled connection in time). A timeout, a
	 * 5xx or a success whose body cannot be read leave it unknown: the change may have
	 * been applied. A retried change needs every attempt's outcome: see
	 * {@link WriteAttempts}.
	 */
	public static boolean leftUnchanged(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ErrorResponseException response && response.getStatusCode().is4xxClientError()) {
				return true;
			}
			if (cause instanceof CallNotPermittedException || cause instanceof BulkheadFullException
					|| cause instanceof RequestNotPermitted || cause instanceof ConnectException
					// a TimeoutException too, but of the wait before anything is sent
					|| cause instanceof PoolAcquireTimeoutException) {
				return true;
			}
			if (cause instanceof UpstreamException upstream) {
				if (upstream.isClientErrorAnswer()) {
					return true;
				}
				Boolean refused = switch (upstream.kind()) {
					// the upstream answered a refusal
					case RATE_LIMITED, NOT_FOUND, TOKEN_REJECTED, REFUSED -> true;
					// a success that could not be read: it may have applied the change
					case BAD_RESPONSE, ENTRY_UNUSABLE -> false;
					// its cause tells: a refused connection never sent it
					case UNAVAILABLE -> null;
				};
				if (refused != null) {
					return refused;
				}
			}
			if (cause instanceof TimeoutException) {
				return false;
			}
		}
		return false;
	}

	/**
	 * Only connect errors, 5xx and 429 whose wait fits the budget; never an open circuit,
	 * and never a 4xx the caller's request earned: the same request earns it again.
	 */
	public static boolean isRetryable(Throwable ex, Duration maxRetryWait) {
		if (!(ex instanceof UpstreamException upstream) || !upstream.isTransient()) {
			return false;
		}
		return upstream.retryAfter() == null || upstream.retryAfter().compareTo(maxRetryWait) <= 0;
	}

	/**
	 * The wait before the next attempt: the upstream's own {@code Retry-After} when it
	 * gave one (waiting less only earns another 429), but never less than
	 * {@code backoff}: {@code X-RateLimit-Reset} has whole seconds, so a reset may lie a
	 * few milliseconds ahead, and retries sent back to back would each spend the tenant's
	 * bucket and count on the shared breaker.
	 */
	public static IntervalBiFunction<Object> retryInterval(IntervalFunction backoff) {
		return (attempt, outcome) -> {
			long backoffMillis = backoff.apply(attempt);
			if (outcome.isLeft() && outcome.getLeft() instanceof UpstreamException upstream
					&& upstream.retryAfter() != null) {
				return Math.max(upstream.retryAfter().toMillis(), backoffMillis);
			}
			return backoffMillis;
		};
	}

}
