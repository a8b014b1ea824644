package dev.porter.profile.directory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.porter.common.OncePerInterval;
import dev.porter.common.SingleFlight;
import dev.porter.common.WallClockWaits;

import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Our own access token for a directory's admin API (client credentials, with extra token
 * request parameters such as Auth0's {@code audience}), kept by Spring Security's
 * authorized-client service and renewed before expiry on the injected clock
 * ({@link RenewalOnOurClock}). Spring's manager does not share a fetch between concurrent
 * callers, so every caller joins the authorization in flight ({@link SingleFlight}) and
 * only one token request is made at a time.
 */
public final class ClientCredentialsTokens {

	private static final String PRINCIPAL = "profile-service";

	private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

	private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	/**
	 * The longest wait the token endpoint may impose: a quota of a day, or our clock far
	 * behind the endpoint's for {@code X-RateLimit-Reset}, must not stop the directory
	 * for as long, and one token request every 5 minutes costs the bucket nothing.
	 */
	static final Duration MAX_ASKED_WAIT = Duration.ofMinutes(5);

	/**
	 * The codes with which a token endpoint refuses our client itself: a wrong id or
	 * secret (Auth0 {@code access_denied}, Keycloak {@code invalid_client} or
	 * {@code unauthorized_client}), no grant for the API (Auth0 {@code access_denied}),
	 * the client-credentials grant not allowed (Auth0 {@code unauthorized_client}, a
	 * Keycloak client without a service account). A setting's fault, not an outage: it
	 * lasts until an operator fixes it.
	 */
	private static final Set<String> CLIENT_REFUSED = Set.of(OAuth2ErrorCodes.ACCESS_DENIED,
			OAuth2ErrorCodes.INVALID_CLIENT, OAuth2ErrorCodes.UNAUTHORIZED_CLIENT);

	static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

	/**
	 * The longest one token request takes, its answer read in whole, as for the IdP's
	 * discovery document and keys. The identity-provider client's response timeout bounds
	 * only each wait between two reads: an endpoint (or a proxy) that trickles its answer
	 * would hold the one request in flight, and every caller with it, for as long as it
	 * trickles.
	 */
	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(ClientCredentialsTokens.class);

	private final String registrationId;

	private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

	private final InMemoryReactiveOAuth2AuthorizedClientService store;

	private final SingleFlight<String, OAuth2AuthorizedClient> authorizations = new SingleFlight<>();

	private final Clock clock;

	private final String whatToCheck;

	private final OncePerInterval refusals;

	private final Duration requestTimeout;

	/** The failures in a row, and until when no token request is made; null: none. */
	private final AtomicReference<@Nullable FetchFailure> failure = new AtomicReference<>();

	/**
	 * @param registrationId names the token in Spring Security's store and its logs
	 * @param whatToCheck the settings and IdP set-up to check when the endpoint refuses
	 * our client, for the log
	 * @param tokenUri the token endpoint
	 * @param clientId our client
	 * @param clientSecret its secret, sent in the form body ({@code client_secret_post},
	 * which Auth0 documents and Keycloak accepts)
	 * @param extraParameters added to every token request
	 * @param webClient the client for the token endpoint
	 * @param clock when a token expires and when a failed token request may be made again
	 */
	public ClientCredentialsTokens(String registrationId, String whatToCheck, URI tokenUri, String clientId,
			String clientSecret, MultiValueMap<String, String> extraParameters, WebClient webClient, Clock clock) {
		this(registrationId, whatToCheck, tokenUri, clientId, clientSecret, extraParameters, webClient, clock,
				REQUEST_TIMEOUT);
	}

	/**
	 * As the public constructor, with the longest one token request may take.
	 */
	ClientCredentialsTokens(String registrationId, String whatToCheck, URI tokenUri, String clientId,
			String clientSecret, MultiValueMap<String, String> extraParameters, WebClient webClient, Clock clock,
			Duration requestTimeout) {
		this.registrationId = registrationId;
		this.whatToCheck = whatToCheck;
		this.clock = clock;
		this.refusals = OncePerInterval.of(REFUSAL_LOG_INTERVAL, clock);
		this.requestTimeout = requestTimeout;
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration(registrationId, tokenUri, clientId, clientSecret));
		this.store = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
		WebClientReactiveClientCredentialsTokenResponseClient tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		tokenClient.setWebClient(webClient.mutate().filter(TokenEndpointAskedToWait.filter(clock)).build());
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(extraParameters);
		tokenClient.addParametersConverter((request) -> parameters);
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider fetcher = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		fetcher.setAccessTokenResponseClient(tokenClient);
		this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, this.store);
		this.manager.setAuthorizedClientProvider(new RenewalOnOurClock(fetcher, clock));
	}

	/**
	 * The current token value, fetching one if none is valid beyond its renewal margin
	 * ({@link RenewalOnOurClock}). After a failed fetch none is made for a while
	 * ({@link DirectoryTokenUnavailable}, the failed fetch's callers included): a wrong
	 * secret or a missing client grant fails every request, and each would otherwise
	 * spend the tenant's Authentication API budget that logins and refreshes share. A
	 * token that has not expired yet serves meanwhile, as it does when its renewal fails.
	 */
	Mono<String> accessToken() {
		return Mono.defer(() -> {
			DirectoryTokenUnavailable backingOff = backingOff();
			if (backingOff != null) {
				return stillValid().switchIfEmpty(Mono.error(backingOff));
			}
			return this.authorizations.join(this.registrationId, this::fetch)
				.onErrorResume((ex) -> stillValid().switchIfEmpty(Mono.defer(() -> {
					DirectoryTokenUnavailable failed = backingOff();
					return Mono.error((failed != null) ? failed : ex);
				})));
		}).map((client) -> client.getAccessToken().getTokenValue());
	}

	/**
	 * What callers are told while no token request may be made; null once one may. A
	 * retry instant further ahead than the failure's own wait means the wall clock
	 * stepped back (a VM restored, NTP): it is taken as passed ({@link WallClockWaits}),
	 * or no request would be made for as long as the step.
	 */
	private @Nullable DirectoryTokenUnavailable backingOff() {
		FetchFailure last = this.failure.get();
		if (last == null) {
			return null;
		}
		Duration left = WallClockWaits.left(this.clock.instant(), last.retryAt(), last.backoff());
		return left.isZero() ? null : new DirectoryTokenUnavailable(left, last.cause());
	}

	/** The stored token, if it has not expired (it may be within its renewal margin). */
	private Mono<OAuth2AuthorizedClient> stillValid() {
		return this.store.<OAuth2AuthorizedClient>loadAuthorizedClient(this.registrationId, PRINCIPAL)
			.filter((client) -> {
				Instant expiresAt = client.getAccessToken().getExpiresAt();
				return expiresAt != null && this.clock.instant().isBefore(expiresAt);
			});
	}

	/**
	 * Forgets {@code rejected} (the directory answered 401 with it) so the next call
	 * fetches anew.
	 */
	Mono<Void> invalidate(String rejected) {
		return this.store.<OAuth2AuthorizedClient>loadAuthorizedClient(this.registrationId, PRINCIPAL)
			.filter((client) -> client.getAccessToken().getTokenValue().equals(rejected))
			.flatMap((client) -> this.store.removeAuthorizedClient(this.registrationId, PRINCIPAL));
	}

	/**
	 * Drops the stored token whatever it is, and any backoff (tests start without
	 * either).
	 */
	Mono<Void> forget() {
		return this.store.removeAuthorizedClient(this.registrationId, PRINCIPAL)
			.doOnSuccess((done) -> this.failure.set(null));
	}

	/**
	 * One authorization, its outcome remembered for the backoff; one that outlasts its
	 * timeout ({@link #REQUEST_TIMEOUT}) fails as any other.
	 */
	private Mono<OAuth2AuthorizedClient> fetch() {
		return authorize().timeout(this.requestTimeout)
			.doOnNext((client) -> this.failure.set(null))
			.doOnError(this::failed);
	}

	/**
	 * The next token request waits the backoff (doubling with each failure in a row), or
	 * the longer wait the endpoint asked for ({@link TokenEndpointAskedToWait}) up to
	 * {@link #MAX_ASKED_WAIT}: asking earlier only spends the bucket again.
	 */
	private void failed(Throwable ex) {
		FetchFailure last = this.failure.get();
		int failures = (last != null) ? last.failures() + 1 : 1;
		Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 16));
		wait = (wait.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : wait;
		Duration asked = TokenEndpointAskedToWait.waitOf(ex);
		if (asked != null && asked.compareTo(wait) > 0) {
			wait = (asked.compareTo(MAX_ASKED_WAIT) > 0) ? MAX_ASKED_WAIT : asked;
		}
		this.failure.set(new FetchFailure(failures, this.clock.instant().plus(wait), wait, ex));
		if (refusedOurClient(ex)) {
			reportRefusal(reason(ex), wait);
			return;
		}
		log.warn("{} token request failed ({}), failure {} in a row: next attempt in {}", this.registrationId,
				reason(ex), failures, wait);
	}

	private static boolean refusedOurClient(Throwable ex) {
		return ex instanceof OAuth2AuthorizationException oauth
				&& CLIENT_REFUSED.contains(oauth.getError().getErrorCode());
	}

	/**
	 * Every directory call fails until an operator acts, so the line says what to check;
	 * once a minute, as the backoff reaches a minute only after several tries.
	 */
	private void reportRefusal(String code, Duration nextAttemptIn) {
		long count = this.refusals.count();
		if (count > 0) {
			log.error(
					"{} token request refused our client ({}): profile reads and changes the cache cannot serve "
							+ "answer 503 until this is fixed; check {}; {} since the last report, next attempt in {}",
					this.registrationId, code, this.whatToCheck, count, nextAttemptIn);
		}
	}

	/**
	 * The OAuth error code when the endpoint gave one (invalid_client, access_denied), or
	 * the status and wait of an answer that asked us to wait.
	 */
	private static String reason(Throwable ex) {
		if (ex instanceof OAuth2AuthorizationException oauth) {
			return oauth.getError().getErrorCode();
		}
		return (ex instanceof TokenEndpointAskedToWait) ? String.valueOf(ex.getMessage())
				: ex.getClass().getSimpleName();
	}

	private Mono<OAuth2AuthorizedClient> authorize() {
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(this.registrationId)
			.principal(PRINCIPAL)
			.build();
		return this.manager.authorize(request)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("no directory token")));
	}

	private static ClientRegistration registration(String registrationId, URI tokenUri, String clientId,
			String clientSecret) {
		return ClientRegistration.withRegistrationId(registrationId)
			.clientId(clientId)
			.clientSecret(clientSecret)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(tokenUri.toString())
			.build();
	}

	/**
	 * @param failures how many token requests failed in a row
	 * @param retryAt when the next may be made, on the wall clock
	 * @param backoff the wait {@code retryAt} was set at, to tell a clock stepped back
	 * @param cause the last failure
	 */
	private record FetchFailure(int failures, Instant retryAt, Duration backoff, Throwable cause) {
	}

}
