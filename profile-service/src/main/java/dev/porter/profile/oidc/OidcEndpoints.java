package dev.porter.profile.oidc;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import dev.porter.common.Issuers;
import dev.porter.common.OncePerInterval;
import dev.porter.common.SingleFlight;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What the identity provider states about itself: its issuer and its JWKS and
 * {@code /userinfo} URIs. The {@code OIDC_JWKS_URI} / {@code OIDC_USERINFO_URI} overrides
 * win when set; everything else comes from discovery. Discovery is fetched on first use,
 * not at start-up, so the service starts while the IdP is down; concurrent first callers
 * join one fetch ({@link SingleFlight}), a success is remembered for the life of the
 * process, and a failure is retried by the next caller. A failure is logged once per
 * {@link #LOG_INTERVAL} with a count, an issuer other than {@code OIDC_ISSUER_URI} as an
 * error naming the setting.
 */
public final class OidcEndpoints {

	private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(OidcEndpoints.class);

	private final OidcProperties properties;

	private final WebClient webClient;

	private final AtomicReference<@Nullable JsonNode> remembered = new AtomicReference<>();

	private final SingleFlight<URI, JsonNode> fetches = new SingleFlight<>();

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private final OncePerInterval failures;

	public OidcEndpoints(OidcProperties properties, WebClient webClient, Clock clock) {
		this.properties = properties;
		this.webClient = webClient;
		this.failures = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	public Mono<URI> jwksUri() {
		URI override = this.properties.jwksOverride();
		return (override != null) ? Mono.just(override) : endpoint("jwks_uri");
	}

	public Mono<URI> userinfoUri() {
		URI override = this.properties.userinfoOverride();
		return (override != null) ? Mono.just(override) : endpoint("userinfo_endpoint");
	}

	/**
	 * The issuer that tokens must carry in {@code iss}: exactly as discovery states it,
	 * which may differ from {@code OIDC_ISSUER_URI} by one trailing slash
	 * ({@link Issuers#same}). When both endpoints are overridden discovery is never
	 * fetched (docker compose, where the issuer's address is the browser's and not
	 * reachable from the service), and the configured issuer is taken with or without
	 * that slash ({@link TokenIssuer}), as the gateway takes it from discovery.
	 */
	Mono<TokenIssuer> issuer() {
		if (this.properties.jwksOverride() != null && this.properties.userinfoOverride() != null) {
			return Mono.just(new TokenIssuer(this.properties.issuer(), false));
		}
		return discovery().map((document) -> new TokenIssuer(document.path("issuer").asString(), true));
	}

	private Mono<URI> endpoint(String name) {
		return discovery().flatMap((document) -> {
			String value = document.path(name).asString("");
			return value.isEmpty() ? Mono.error(new IllegalStateException("discovery has no " + name))
					: Mono.just(URI.create(value));
		});
	}

	private Mono<JsonNode> discovery() {
		return Mono.defer(() -> {
			JsonNode known = this.remembered.get();
			return (known != null) ? Mono.just(known) : this.fetches.join(this.properties.discoveryUri(), this::fetch);
		});
	}

	private Mono<JsonNode> fetch() {
		return this.webClient.get()
			.uri(this.properties.discoveryUri())
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(DISCOVERY_TIMEOUT)
			.flatMap(this::checkIssuer)
			.doOnNext(this::reportMissingEndpoints)
			.doOnError(this::reportFailure)
			// Remembered inside the fetch, so that a caller arriving just
			// after it ends does not start another one.
			.doOnNext(this.remembered::set);
	}

	/**
	 * Once, when the document is remembered: an endpoint it lacks fails every request
	 * that needs it, and the operator must learn which setting supplies it.
	 */
	private void reportMissingEndpoints(JsonNode document) {
		if (this.properties.jwksOverride() == null && document.path("jwks_uri").asString("").isEmpty()) {
			log.error("the identity provider's discovery names no jwks_uri: set OIDC_JWKS_URI");
		}
		if (this.properties.userinfoOverride() == null && document.path("userinfo_endpoint").asString("").isEmpty()) {
			log.error("the identity provider's discovery names no userinfo_endpoint: set OIDC_USERINFO_URI");
		}
	}

	/**
	 * OIDC Discovery 1.0 §4.3: the document must name the issuer we were configured with,
	 * give or take the one trailing slash both services tolerate ({@link Issuers#same}).
	 */
	private Mono<JsonNode> checkIssuer(JsonNode document) {
		String stated = document.path("issuer").asString("");
		return Issuers.same(this.properties.issuer(), stated) ? Mono.just(document)
				: Mono.error(new IssuerMismatchException(stated));
	}

	/**
	 * Every caller meets the failure (it is not remembered), so a line each would flood
	 * the log while the IdP is down; the {@code 503} answers are counted by
	 * {@code http.server.requests}.
	 */
	private void reportFailure(Throwable failure) {
		long count = this.failures.count();
		if (count == 0) {
			return;
		}
		if (failure instanceof IssuerMismatchException mismatch) {
			log.error(
					"the identity provider's discovery states the issuer {}, not {} as configured: set OIDC_ISSUER_URI "
							+ "to the issuer its tokens carry (an Auth0 custom domain or the tenant's domain); every token is "
							+ "refused with 503 until then ({} since the last report)",
					mismatch.stated, this.properties.issuer(), count);
			return;
		}
		log.warn("identity provider discovery failed: {} from {}; answering 503 ({} since the last report)",
				IdpFailures.describe(failure), this.properties.discoveryUri(), count);
	}

	/** Not the IdP's failure but our setting's: it must say which one. */
	private static final class IssuerMismatchException extends IllegalStateException {

		private final String stated;

		IssuerMismatchException(String stated) {
			super("discovery issuer does not match OIDC_ISSUER_URI");
			this.stated = stated;
		}

	}

}
