package dev.porter.profile.directory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import reactor.core.publisher.Mono;

import dev.porter.common.UnstatedLifetimes;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * When our directory token is renewed, all on one clock: a fetched token is dated from
 * its arrival by the injected {@link Clock} (Spring's token response dates it by the
 * system clock, which the still-valid check does not read), and renewed
 * {@code min(60 s, half its lifetime)} before it expires, so a token of a minute or less
 * is not taken for expired on arrival. A token whose endpoint stated no lifetime lives as
 * {@link UnstatedLifetimes} says. The fetch itself is the wrapped provider's.
 */
final class RenewalOnOurClock implements ReactiveOAuth2AuthorizedClientProvider {

	static final Duration MAX_MARGIN = Duration.ofSeconds(60);

	private static final Duration UNSTATED_BY_SPRING = Duration.ofSeconds(1);

	private final ReactiveOAuth2AuthorizedClientProvider fetcher;

	private final Clock clock;

	/**
	 * @param fetcher fetches a token whenever its context holds none
	 * @param clock the clock every expiry is read and dated by
	 */
	RenewalOnOurClock(ReactiveOAuth2AuthorizedClientProvider fetcher, Clock clock) {
		this.fetcher = fetcher;
		this.clock = clock;
	}

	/**
	 * A newly fetched token when the current one is missing or due for renewal; empty
	 * while the current one serves.
	 */
	@Override
	public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
		OAuth2AuthorizedClient current = context.getAuthorizedClient();
		if (current != null && !dueForRenewal(current.getAccessToken())) {
			return Mono.empty();
		}
		// without the current token the fetcher cannot judge it by its own clock and
		// margin
		OAuth2AuthorizationContext withoutCurrent = OAuth2AuthorizationContext
			.withClientRegistration(context.getClientRegistration())
			.principal(context.getPrincipal())
			.attributes((attributes) -> attributes.putAll(context.getAttributes()))
			.build();
		return this.fetcher.authorize(withoutCurrent).map(this::datedOnArrival);
	}

	private boolean dueForRenewal(OAuth2AccessToken token) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		if (issuedAt == null || expiresAt == null) {
			return true;
		}
		Duration halfLife = Duration.between(issuedAt, expiresAt).dividedBy(2);
		Duration margin = (halfLife.compareTo(MAX_MARGIN) < 0) ? halfLife : MAX_MARGIN;
		return !this.clock.instant().isBefore(expiresAt.minus(margin));
	}

	private OAuth2AuthorizedClient datedOnArrival(OAuth2AuthorizedClient fetched) {
		OAuth2AccessToken token = fetched.getAccessToken();
		Instant arrived = this.clock.instant();
		Instant expiresAt = UnstatedLifetimes.expiresAt(token.getTokenValue(), arrived,
				arrived.plus(statedLifetime(token)));
		OAuth2AccessToken dated = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), arrived, expiresAt,
				token.getScopes());
		return new OAuth2AuthorizedClient(fetched.getClientRegistration(), fetched.getPrincipalName(), dated,
				fetched.getRefreshToken());
	}

	/**
	 * The lifetime Spring read from {@code expires_in}: both its instants come from the
	 * same (system) clock, so their difference holds on ours. Without them, what Spring
	 * gives an unstated lifetime.
	 */
	private static Duration statedLifetime(OAuth2AccessToken token) {
		Instant issuedAt = token.getIssuedAt();
		Instant expiresAt = token.getExpiresAt();
		return (issuedAt != null && expiresAt != null) ? Duration.between(issuedAt, expiresAt) : UNSTATED_BY_SPRING;
	}

}
