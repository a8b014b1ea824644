package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/**
 * What a failed refresh means. For the session: {@code invalid_grant} ends it, and any
 * other failure (timeout, 5xx, 429, unreachable) makes it back off, twice as long after
 * each failure in a row up to {@code TOKEN_REFRESH_BACKOFF_MAX}. For a request that got
 * no fresh token: it relays its access token while that is still valid, and otherwise
 * gets {@code 503} with {@code Retry-After}.
 */
class RefreshFailurePolicy {

	private final TokenProperties properties;

	private final AccessTokenExpiry expiry;

	private final Clock clock;

	RefreshFailurePolicy(TokenProperties properties, AccessTokenExpiry expiry, Clock clock) {
		this.properties = properties;
		this.expiry = expiry;
		this.clock = clock;
	}

	/** What becomes of the session whose refresh call failed with {@code failure}. */
	Consequence afterFailure(Throwable failure, RefreshBackoff previous) {
		if (failure instanceof OAuth2AuthorizationException oauth
				&& OAuth2ErrorCodes.INVALID_GRANT.equals(oauth.getError().getErrorCode())) {
			return new EndSession();
		}
		return new BackOff(previous.afterFailure(this.clock.instant(), this.properties.refreshBackoff(),
				this.properties.refreshBackoffMax()));
	}

	/**
	 * How long a request that got no fresh token because of {@code failure} should wait
	 * before it asks again.
	 */
	Duration retryAfter(Throwable failure) {
		if (failure instanceof BackingOff backingOff) {
			return backingOff.remaining();
		}
		// Still in flight (TimeoutException), or no lock to be had: ask again soon, as
		// after a first failure, not after the session's current backoff.
		return this.properties.refreshBackoff();
	}

	/**
	 * The answer for a request that cannot have a fresh token: {@code current} while its
	 * access token is still valid, otherwise a {@link RefreshUnavailable}.
	 */
	Mono<OAuth2AuthorizedClient> withoutFreshToken(OAuth2AuthorizedClient current, Duration retryAfter,
			@Nullable Throwable cause) {
		if (this.expiry.isStillValid(current.getAccessToken())) {
			return Mono.just(current);
		}
		return Mono.error(new RefreshUnavailable(retryAfter, cause));
	}

	/** What a failed refresh call does to its session. */
	sealed interface Consequence permits EndSession, BackOff {

	}

	/** The refresh token was rejected: the session ends. */
	record EndSession() implements Consequence {
	}

	/** The IdP could not refresh now: no attempt for this session before {@code next}. */
	record BackOff(RefreshBackoff next) implements Consequence {
	}

}
