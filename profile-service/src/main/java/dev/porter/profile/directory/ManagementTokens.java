package dev.porter.profile.directory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;

import dev.porter.profile.config.DirectoryProperties;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
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
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The M2M access token for the Management API: client credentials with Auth0's
 * {@code audience}, kept by Spring Security's authorized-client service and renewed 60 s
 * before expiry. Spring's manager does not share a fetch between concurrent callers, so
 * every caller goes through one shared in-flight authorization.
 */
@Component
class ManagementTokens {

	static final String REGISTRATION_ID = "auth0-management";

	private static final String PRINCIPAL = "profile-service";

	private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

	private final InMemoryReactiveOAuth2AuthorizedClientService store;

	private final AtomicReference<CompletableFuture<OAuth2AuthorizedClient>> inFlight = new AtomicReference<>();

	ManagementTokens(DirectoryProperties properties,
			@Qualifier("identityProviderWebClient") WebClient identityProviderWebClient) {
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration(properties));
		this.store = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
		WebClientReactiveClientCredentialsTokenResponseClient tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		tokenClient.setWebClient(identityProviderWebClient);
		String audience = properties.resolvedAudience();
		tokenClient.addParametersConverter((request) -> audience(audience));
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		provider.setClockSkew(Duration.ofSeconds(60));
		this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, this.store);
		this.manager.setAuthorizedClientProvider(provider);
	}

	/** The current token value, fetching one if none is valid for another 60 s. */
	Mono<String> accessToken() {
		return Mono.fromFuture(this::shared, true).map((client) -> client.getAccessToken().getTokenValue());
	}

	/**
	 * Forgets {@code rejected} (Auth0 answered 401 with it) so the next call fetches
	 * anew.
	 */
	Mono<Void> invalidate(String rejected) {
		return this.store.<OAuth2AuthorizedClient>loadAuthorizedClient(REGISTRATION_ID, PRINCIPAL)
			.filter((client) -> client.getAccessToken().getTokenValue().equals(rejected))
			.flatMap((client) -> this.store.removeAuthorizedClient(REGISTRATION_ID, PRINCIPAL));
	}

	/** Drops the stored token whatever it is (tests start without one). */
	Mono<Void> forget() {
		return this.store.removeAuthorizedClient(REGISTRATION_ID, PRINCIPAL);
	}

	private CompletableFuture<OAuth2AuthorizedClient> shared() {
		while (true) {
			CompletableFuture<OAuth2AuthorizedClient> current = this.inFlight.get();
			if (current != null) {
				return current;
			}
			CompletableFuture<OAuth2AuthorizedClient> mine = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, mine)) {
				authorize(mine);
				return mine;
			}
		}
	}

	// Subscribed here, not per caller: its result is shared by everyone who joined
	// meanwhile.
	private void authorize(CompletableFuture<OAuth2AuthorizedClient> target) {
		OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION_ID)
			.principal(PRINCIPAL)
			.build();
		this.manager.authorize(request).toFuture().whenComplete((client, error) -> {
			this.inFlight.compareAndSet(target, null);
			if (error != null) {
				target.completeExceptionally(error);
			}
			else if (client == null) {
				target.completeExceptionally(new IllegalStateException("no management token"));
			}
			else {
				target.complete(client);
			}
		});
	}

	private static MultiValueMap<String, String> audience(String audience) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.add("audience", audience);
		return parameters;
	}

	private static ClientRegistration registration(DirectoryProperties properties) {
		return ClientRegistration.withRegistrationId(REGISTRATION_ID)
			.clientId(properties.clientId())
			.clientSecret(properties.clientSecret())
			// the form Auth0 documents for /oauth/token (client_id and client_secret in
			// the body)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.tokenUri(properties.resolvedTokenUri().toString())
			.build();
	}

}
