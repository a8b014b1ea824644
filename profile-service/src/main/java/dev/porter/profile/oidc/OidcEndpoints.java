package dev.porter.profile.oidc;

import java.net.URI;
import java.time.Duration;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The identity provider's JWKS and {@code /userinfo} URIs: the {@code OIDC_JWKS_URI} /
 * {@code OIDC_USERINFO_URI} overrides when set, otherwise discovery. Discovery is fetched
 * on first use, not at start-up, so the service starts while the IdP is down; a success
 * is kept, a failure is retried by the next request.
 */
public final class OidcEndpoints {

	private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

	private final OidcProperties properties;

	private final Mono<JsonNode> discovery;

	public OidcEndpoints(OidcProperties properties, WebClient webClient) {
		this.properties = properties;
		this.discovery = Mono.defer(() -> fetch(webClient))
			.cache((document) -> FOREVER, (error) -> Duration.ZERO, () -> Duration.ZERO);
	}

	public Mono<URI> jwksUri() {
		URI override = this.properties.jwksOverride();
		return (override != null) ? Mono.just(override) : endpoint("jwks_uri");
	}

	public Mono<URI> userinfoUri() {
		URI override = this.properties.userinfoOverride();
		return (override != null) ? Mono.just(override) : endpoint("userinfo_endpoint");
	}

	private Mono<URI> endpoint(String name) {
		return this.discovery.flatMap((document) -> {
			String value = document.path(name).asString("");
			return value.isEmpty() ? Mono.error(new IllegalStateException("discovery has no " + name))
					: Mono.just(URI.create(value));
		});
	}

	private Mono<JsonNode> fetch(WebClient webClient) {
		return webClient.get()
			.uri(this.properties.discoveryUri())
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(Duration.ofSeconds(5))
			.flatMap(this::checkIssuer);
	}

	// OIDC Discovery 1.0 §4.3: the document must name the issuer we were configured with.
	private Mono<JsonNode> checkIssuer(JsonNode document) {
		String issuer = document.path("issuer").asString("");
		return issuer.equals(this.properties.issuer()) ? Mono.just(document)
				: Mono.error(new IllegalStateException("discovery issuer does not match OIDC_ISSUER_URI"));
	}

}
