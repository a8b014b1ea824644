package dev.porter.profile.directory;

import java.net.URI;
import java.time.Duration;

import reactor.core.publisher.Mono;

import dev.porter.common.SingleFlight;

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
 * Our own access token for a directory's admin API (client credentials, with extra token
 * request parameters such as Auth0's {@code audience}), kept by Spring Security's
 * authorized-client service and renewed 60 s before expiry. Spring's manager does not
 * share a fetch between concurrent callers, so every caller joins the authorization in
 * flight ({@link SingleFlight}) and only one token request is made at a time.
 */
public final class ClientCredentialsTokens {

	private static final String PRINCIPAL = "profile-service";

	private final String registrationId;

	private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

	private final InMemoryReactiveOAuth2AuthorizedClientService store;

	private final SingleFlight<String, OAuth2AuthorizedClient> authorizations = new SingleFlight<>();

	/**
	 * @param registrationId names the token in Spring Security's store and its logs
	 * @param tokenUri the token endpoint
	 * @param clientId our client
	 * @param clientSecret its secret, sent in the form body ({@code client_secret_post},
	 * which Auth0 documents and Keycloak accepts)
	 * @param extraParameters added to every token request
	 * @param webClient the client for the token endpoint
	 */
	public ClientCredentialsTokens(String registrationId, URI tokenUri, String clientId, String clientSecret,
			MultiValueMap<String, String> extraParameters, WebClient webClient) {
		this.registrationId = registrationId;
		InMemoryReactiveClientRegistrationRepository registrations = new InMemoryReactiveClientRegistrationRepository(
				registration(registrationId, tokenUri, clientId, clientSecret));
		this.store = new InMemoryReactiveOAuth2AuthorizedClientService(registrations);
		WebClientReactiveClientCredentialsTokenResponseClient tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		tokenClient.setWebClient(webClient);
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(extraParameters);
		tokenClient.addParametersConverter((request) -> parameters);
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		provider.setClockSkew(Duration.ofSeconds(60));
		this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations, this.store);
		this.manager.setAuthorizedClientProvider(provider);
	}

	/** The current token value, fetching one if none is valid for another 60 s. */
	Mono<String> accessToken() {
		return Mono.defer(() -> this.authorizations.join(this.registrationId, this::authorize))
			.map((client) -> client.getAccessToken().getTokenValue());
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

	/** Drops the stored token whatever it is (tests start without one). */
	Mono<Void> forget() {
		return this.store.removeAuthorizedClient(this.registrationId, PRINCIPAL);
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

}
