package dev.porter.gateway.oidc;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.common.Issuers;
import dev.porter.common.SingleFlight;
import dev.porter.common.WallClockWaits;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The IdP's discovery document, fetched on first use rather than at start-up, so the
 * gateway boots and is healthy while the IdP is down. A success is remembered for the
 * life of the process; a failure for {@link #RETRY_AFTER}, during which callers get the
 * 503 at once (an IdP that never answers would otherwise hold each of them for the
 * discovery timeout), and the first caller after it fetches again (or after the clock
 * stepped back: {@link WallClockWaits}). Concurrent first callers join one fetch
 * ({@link SingleFlight}).
 *
 * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html">OpenID
 * Connect Discovery 1.0</a>
 */
class OidcDiscovery {

	private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);

	/**
	 * How long a failed fetch stands, and so when a caller refused for want of the
	 * document may try again.
	 */
	static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	/** The one document there is; the single flight's key. */
	private static final String DOCUMENT = "openid-configuration";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final OidcProperties properties;

	private final AtomicReference<@Nullable Map<String, Object>> remembered = new AtomicReference<>();

	private final SingleFlight<String, Map<String, Object>> fetches = new SingleFlight<>();

	/** Until when the last failed fetch stands; null: none stands. */
	private final AtomicReference<@Nullable Instant> failedUntil = new AtomicReference<>();

	private final Clock clock;

	OidcDiscovery(WebClient webClient, OidcProperties properties, Clock clock) {
		this.webClient = webClient;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * The discovery document; errors with a 503 problem while the IdP cannot be reached.
	 */
	Mono<Map<String, Object>> metadata() {
		return Mono.defer(() -> {
			Map<String, Object> known = this.remembered.get();
			if (known != null) {
				return Mono.just(known);
			}
			Instant until = this.failedUntil.get();
			Duration standing = (until != null) ? WallClockWaits.left(this.clock.instant(), until, RETRY_AFTER)
					: Duration.ZERO;
			if (!standing.isZero()) {
				return Mono.error(new ProblemException(Problems.identityProviderUnavailable(standing), null));
			}
			return this.fetches.join(DOCUMENT, this::fetch);
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
			.doOnNext((document) -> {
				// Remembered inside the fetch, so no caller arriving after it ends
				// starts another one.
				this.remembered.set(document);
				this.failedUntil.set(null);
				log.info("OIDC discovery loaded for issuer {}", issuer);
			})
			.onErrorMap((ex) -> !(ex instanceof ProblemException), (ex) -> {
				// The URL fetched: with OIDC_DISCOVERY_URI it is not the issuer's.
				log.warn("OIDC discovery failed for issuer {} at {}: {}", issuer, location, IdpFailures.describe(ex));
				return new ProblemException(Problems.identityProviderUnavailable(RETRY_AFTER), ex);
			})
			// Inside the fetch, so no caller arriving after it ends starts another one.
			.doOnError((ex) -> this.failedUntil.set(this.clock.instant().plus(RETRY_AFTER)));
	}

	/**
	 * Discovery 1.0 §4.3: the document must name the issuer we asked for. The rule both
	 * services share ({@link Issuers#same}) lets a configured issuer differ by Auth0's
	 * trailing slash; tokens are then checked against the issuer as discovery states it.
	 */
	private Map<String, Object> checkIssuer(Map<String, Object> document) {
		Object issuer = document.get("issuer");
		String expected = this.properties.issuerUri().toString();
		if (!(issuer instanceof String stated) || !Issuers.same(expected, stated)) {
			log.error("OIDC discovery issuer mismatch: expected {} got {}", expected, issuer);
			throw new ProblemException(Problems.identityProviderUnavailable(RETRY_AFTER), null);
		}
		return document;
	}

}
