package dev.porter.gateway.oidc;

import java.net.URI;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's discovery document, fetched on first use rather than at start-up, so the
 * gateway boots and is healthy while the IdP is down. A success is cached for the life of
 * the process; a failure is not, so the next caller retries. Concurrent first callers
 * share one fetch.
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html">OpenID
 * Connect Discovery 1.0</a>
 */
class OidcDiscovery {

	private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final OidcProperties properties;

	private final AtomicReference<Mono<Map<String, Object>>> metadata = new AtomicReference<>();

	OidcDiscovery(WebClient webClient, OidcProperties properties) {
		this.webClient = webClient;
		this.properties = properties;
	}

	/**
	 * The discovery document; errors with a 503 problem while the IdP cannot be reached.
	 */
	Mono<Map<String, Object>> metadata() {
		return Mono.defer(() -> {
			Mono<Map<String, Object>> current = this.metadata.get();
			if (current != null) {
				return current;
			}
			AtomicReference<Mono<Map<String, Object>>> self = new AtomicReference<>();
			Mono<Map<String, Object>> attempt = fetch().doOnError((ex) -> this.metadata.compareAndSet(self.get(), null))
				.cache();
			self.set(attempt);
			return this.metadata.compareAndSet(null, attempt) ? attempt : metadata();
		});
	}

	private Mono<Map<String, Object>> fetch() {
		String issuer = this.properties.issuerWithSlash();
		URI discoveryUri = this.properties.discoveryUri();
		String location = (discoveryUri != null) ? discoveryUri.toString()
				: issuer + ".well-known/openid-configuration";
		return this.webClient.get()
			.uri(location)
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.timeout(this.properties.discoveryTimeout())
			.map(this::checkIssuer)
			.doOnNext((document) -> log.info("OIDC discovery loaded for issuer {}", issuer))
			.onErrorMap((ex) -> !(ex instanceof ProblemException), (ex) -> {
				log.warn("OIDC discovery failed for issuer {}: {}", issuer, ex.getClass().getSimpleName());
				return new ProblemException(Problems.identityProviderUnavailable(), ex);
			});
	}

	private Map<String, Object> checkIssuer(Map<String, Object> document) {
		// Discovery 1.0 §4.3: the document's issuer must be the one we asked for. A
		// configured
		// issuer without Auth0's trailing slash is accepted; tokens are then checked
		// against
		// the issuer as discovery states it.
		Object issuer = document.get("issuer");
		String expected = this.properties.issuerUri().toString();
		if (!(issuer instanceof String stated)
				|| !Objects.equals(withSlash(stated), this.properties.issuerWithSlash())) {
			log.error("OIDC discovery issuer mismatch: expected {} got {}", expected, issuer);
			throw new ProblemException(Problems.identityProviderUnavailable(), null);
		}
		return document;
	}

	private static String withSlash(String issuer) {
		return issuer.endsWith("/") ? issuer : issuer + "/";
	}

}
