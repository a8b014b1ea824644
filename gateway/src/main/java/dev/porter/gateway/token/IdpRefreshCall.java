package dev.porter.gateway.token;

import java.time.Clock;
import java.time.Duration;

import dev.porter.common.RateLimitHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ReactiveHttpInputMessage;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.ReactiveOAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.core.web.reactive.function.OAuth2BodyExtractors;
import org.springframework.web.reactive.function.BodyExtractor;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The refresh token grant at the IdP's token endpoint, answered within
 * {@code TOKEN_REFRESH_TIMEOUT} of being sent. Knows the protocol only: whether to try,
 * and what a failure means, is decided by its callers.
 */
class IdpRefreshCall {

	/**
	 * How long a refresh may wait to be sent: for one of the IdP client's pooled
	 * connections, or for a new one to open (DNS, connect, TLS). The client's own bounds
	 * (a pooled connection within 5 s, connected within 2 s) fail it first; this one
	 * covers the rest. A refresh not sent by then is never sent, so nothing was rotated.
	 */
	static final Duration SEND_WITHIN = Duration.ofSeconds(10);

	private final ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient;

	private final Duration timeout;

	private final RenewedIdTokens idTokens;

	private final Clock clock;

	IdpRefreshCall(ReactiveOAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenClient,
			Duration timeout, RenewedIdTokens idTokens, Clock clock) {
		this.tokenClient = tokenClient;
		this.timeout = timeout;
		this.idTokens = idTokens;
		this.clock = clock;
	}

	/**
	 * A call through the IdP client (its pool and connect timeout) that waits for the
	 * answer up to {@code timeout} from the moment it is sent, rather than the client's
	 * OIDC_RESPONSE_TIMEOUT: the requests stop waiting at {@code TOKEN_REFRESH_WAIT},
	 * while a slow refresh goes on so that its rotated token is stored. Cutting it short
	 * would lose that token; so would counting the wait for a pooled connection against
	 * it.
	 */
	static IdpRefreshCall through(WebClient idpWebClient, Duration timeout, RenewedIdTokens idTokens, Clock clock) {
		WebClientReactiveRefreshTokenTokenResponseClient client = new WebClientReactiveRefreshTokenTokenResponseClient();
		client.setWebClient(idpWebClient.mutate()
			.filter((request, next) -> next.exchange(respondingWithin(request, timeout)))
			.filter(SentCallTimeout.markingTheSend())
			.build());
		client.setBodyExtractor((answer, context) -> withStatus(answer, context, clock));
		return new IdpRefreshCall(client, timeout, idTokens, clock);
	}

	/**
	 * Spring Security's reading of the answer, with an error answer's HTTP status, and
	 * the wait a 429 or 503 asked for ({@link RateLimitHeaders}, read on {@code clock}),
	 * kept in a {@link TokenEndpointError}.
	 */
	private static Mono<OAuth2AccessTokenResponse> withStatus(ReactiveHttpInputMessage answer,
			BodyExtractor.Context context, Clock clock) {
		Mono<OAuth2AccessTokenResponse> read = OAuth2BodyExtractors.oauth2AccessTokenResponse()
			.extract(answer, context);
		if (answer instanceof ClientHttpResponse response) {
			return read.onErrorMap(OAuth2AuthorizationException.class,
					(error) -> new TokenEndpointError(error, response.getStatusCode(), askedWait(response, clock)));
		}
		return read;
	}

	private static @Nullable Duration askedWait(ClientHttpResponse response, Clock clock) {
		int status = response.getStatusCode().value();
		boolean mayCarryWait = status == HttpStatus.TOO_MANY_REQUESTS.value()
				|| status == HttpStatus.SERVICE_UNAVAILABLE.value();
		return mayCarryWait ? RateLimitHeaders.waitFrom(response.getHeaders()::getFirst, clock) : null;
	}

	/**
	 * The longest a refresh call with this {@code timeout} may take: sent, answered, and
	 * its renewed ID token checked.
	 */
	static Duration longest(Duration timeout) {
		return SEND_WITHIN.plus(timeout).plus(RenewedIdTokens.CHECK_WITHIN);
	}

	private static ClientRequest respondingWithin(ClientRequest request, Duration timeout) {
		return ClientRequest.from(request)
			.httpRequest((http) -> http.<HttpClientRequest>getNativeRequest().responseTimeout(timeout))
			.build();
	}

	/**
	 * Exchanges {@code current}'s refresh token for fresh tokens. Fails with
	 * {@link SentCallTimeout.NotSent} when the refresh could not be sent in time, and
	 * with {@link RefreshedForAnotherUser} when the IdP's renewed ID token names another
	 * user. The relay never asks for a client without a refresh token
	 * ({@link TokenRefresher#withoutRefreshToken}); should one come, it fails as the IdP
	 * would fail an unknown one: {@code invalid_grant}.
	 */
	Mono<Refreshed> refresh(OAuth2AuthorizedClient current) {
		OAuth2RefreshToken refreshToken = current.getRefreshToken();
		if (refreshToken == null) {
			return Mono.error(new OAuth2AuthorizationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT)));
		}
		OAuth2RefreshTokenGrantRequest request = new OAuth2RefreshTokenGrantRequest(current.getClientRegistration(),
				current.getAccessToken(), refreshToken);
		return this.tokenClient.getTokenResponse(request)
			.transformDeferred(SentCallTimeout.of(SEND_WITHIN, this.timeout))
			.flatMap((response) -> refreshed(current, response));
	}

	private Mono<Refreshed> refreshed(OAuth2AuthorizedClient current, OAuth2AccessTokenResponse response) {
		OAuth2AuthorizedClient fresh = updated(current, response);
		return this.idTokens.accepted(idToken(response), current)
			.map((idToken) -> new Refreshed(fresh, idToken))
			.defaultIfEmpty(new Refreshed(fresh, null))
			.onErrorMap(RenewedIdTokens.AnotherUser.class, (ex) -> new RefreshedForAnotherUser(fresh));
	}

	private static @Nullable String idToken(OAuth2AccessTokenResponse response) {
		return (response.getAdditionalParameters().get(OidcParameterNames.ID_TOKEN) instanceof String idToken) ? idToken
				: null;
	}

	private OAuth2AuthorizedClient updated(OAuth2AuthorizedClient current, OAuth2AccessTokenResponse response) {
		// Without rotation the IdP returns no new refresh token: keep the one we have.
		OAuth2RefreshToken refreshToken = (response.getRefreshToken() != null) ? response.getRefreshToken()
				: current.getRefreshToken();
		return new OAuth2AuthorizedClient(current.getClientRegistration(), current.getPrincipalName(),
				ClockDatedTokens.dated(response.getAccessToken(), this.clock), refreshToken);
	}

	/**
	 * What a refresh brought: fresh tokens, and a renewed ID token when the IdP sent one
	 * that may replace the login's.
	 */
	record Refreshed(OAuth2AuthorizedClient client, @Nullable Jwt idToken) {
	}

}
