package dev.porter.gateway.logout;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.config.OidcProperties;
import dev.porter.gateway.login.DiscoveredClientRegistrationRepository;
import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.session.SessionTerminator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code POST /bff/backchannel-logout}: the IdP tells us a user's IdP session ended;
 * every gateway session of that {@code sid} (or, without one, of that {@code sub}) ends
 * too. Answers 200 once done, 400 for a token that does not validate (the IdP does not
 * retry).
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">OIDC
 * Back-Channel Logout 1.0</a>
 */
@RestController
class BackchannelLogoutController {

	private static final Logger log = LoggerFactory.getLogger(BackchannelLogoutController.class);

	private final DiscoveredClientRegistrationRepository registrations;

	private final OidcProperties oidc;

	private final WebClient webClient;

	private final SessionRegistry registry;

	private final SessionTerminator terminator;

	private final AtomicReference<ReactiveJwtDecoder> decoder = new AtomicReference<>();

	BackchannelLogoutController(DiscoveredClientRegistrationRepository registrations, OidcProperties oidc,
			WebClient idpWebClient, SessionRegistry registry, SessionTerminator terminator) {
		this.registrations = registrations;
		this.oidc = oidc;
		this.webClient = idpWebClient;
		this.registry = registry;
		this.terminator = terminator;
	}

	@PostMapping(path = "/bff/backchannel-logout", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	Mono<ResponseEntity<Void>> logout(ServerWebExchange exchange) {
		return exchange.getFormData()
			.mapNotNull((form) -> form.getFirst("logout_token"))
			.switchIfEmpty(Mono.error(() -> invalid(null)))
			.flatMap(this::decode)
			.flatMap(this::endSessions)
			.thenReturn(ResponseEntity.ok().cacheControl(CacheControl.noStore()).<Void>build());
	}

	private Mono<Jwt> decode(String token) {
		return decoder().flatMap((decoder) -> decoder.decode(token)).onErrorMap(BadJwtException.class, (ex) -> {
			log.warn("back-channel logout token rejected: {}", ex.getMessage());
			return invalid(ex);
		});
	}

	private Mono<Void> endSessions(Jwt token) {
		String sid = token.getClaimAsString("sid");
		Mono<Set<String>> sessions = (sid != null) ? this.registry.takeBySid(sid)
				: this.registry.takeBySub(token.getSubject());
		return sessions.flatMapMany(Flux::fromIterable).flatMap(this.terminator::end).count().doOnNext((count) -> {
			log.info("back-channel logout ended {} session(s)", count);
		}).then();
	}

	private Mono<ReactiveJwtDecoder> decoder() {
		ReactiveJwtDecoder existing = this.decoder.get();
		if (existing != null) {
			return Mono.just(existing);
		}
		return this.registrations.registration().map(this::createDecoder).map((created) -> {
			this.decoder.compareAndSet(null, created);
			return this.decoder.get();
		});
	}

	private ReactiveJwtDecoder createDecoder(ClientRegistration registration) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
			.withJwkSetUri(registration.getProviderDetails().getJwkSetUri())
			.webClient(this.webClient)
			// Auth0 sends typ JWT, the spec recommends logout+jwt: accept either (no typ
			// check).
			.validateType(false)
			.build();
		decoder.setJwtValidator(
				LogoutTokenValidator.forClient(registration.getProviderDetails().getIssuerUri(), this.oidc.clientId()));
		return decoder;
	}

	private static ProblemException invalid(@Nullable Throwable cause) {
		return new ProblemException(Problems.invalidLogoutToken(), cause);
	}

}
