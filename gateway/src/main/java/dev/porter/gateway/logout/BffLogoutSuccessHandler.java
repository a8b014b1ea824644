package dev.porter.gateway.logout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.porter.gateway.bff.RequestMediaTypes;
import dev.porter.gateway.oidc.DiscoveredClientRegistrationRepository;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutSuccessHandler;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends the browser on to the IdP's logout once the local session is gone: a form post
 * gets a {@code 302}, a script gets {@code 200 {"redirect": url}} (a redirect it could
 * not follow across origins anyway).
 */
class BffLogoutSuccessHandler implements ServerLogoutSuccessHandler {

	private final DiscoveredClientRegistrationRepository registrations;

	private final IdpLogoutUrls urls;

	private final JsonMapper jsonMapper;

	BffLogoutSuccessHandler(DiscoveredClientRegistrationRepository registrations, IdpLogoutUrls urls,
			JsonMapper jsonMapper) {
		this.registrations = registrations;
		this.urls = urls;
		this.jsonMapper = jsonMapper;
	}

	@Override
	public Mono<Void> onLogoutSuccess(WebFilterExchange exchange, @Nullable Authentication authentication) {
		return target(authentication).flatMap((url) -> respond(exchange.getExchange(), url));
	}

	/**
	 * The IdP's logout, even without a login to name: a gateway session that already
	 * ended (idle, past its lifetime, ended from another device) says nothing of the
	 * IdP's, which would let the next person at a shared computer sign in as the user
	 * without a password.
	 */
	private Mono<URI> target(@Nullable Authentication authentication) {
		OidcIdToken idToken = (authentication != null && authentication.getPrincipal() instanceof OidcUser user)
				? user.getIdToken() : null;
		// Without discovery (the IdP down, and this instance never loaded it) the local
		// session is still over: fall back to the SPA.
		return this.registrations.registration()
			.map((registration) -> this.urls.logoutUrl(registration, idToken))
			.onErrorResume((ex) -> Mono.just(this.urls.localUrl()));
	}

	private Mono<Void> respond(ServerWebExchange exchange, URI url) {
		ServerHttpResponse response = exchange.getResponse();
		response.getHeaders().setCacheControl("no-store");
		if (!wantsJson(exchange)) {
			response.setStatusCode(HttpStatus.FOUND);
			response.getHeaders().setLocation(url);
			return response.setComplete();
		}
		response.setStatusCode(HttpStatus.OK);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] body = this.jsonMapper.writeValueAsString(Map.of("redirect", url.toString()))
			.getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
	}

	/**
	 * Whether the logout came from script (XHR, fetch), which cannot follow a redirect to
	 * the IdP with its cookies: a fetch says so in {@code Sec-Fetch-Mode} even when it
	 * sends nothing else (design.md: no endpoint answers a 302 to an XHR or fetch call).
	 */
	private static boolean wantsJson(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String fetchMode = headers.getFirst("Sec-Fetch-Mode");
		if (fetchMode != null && !"navigate".equals(fetchMode)) {
			return true;
		}
		if (headers.containsHeader("X-Requested-With")
				|| MediaType.APPLICATION_JSON.isCompatibleWith(RequestMediaTypes.contentType(headers))) {
			return true;
		}
		return RequestMediaTypes.accepted(headers)
			.stream()
			.anyMatch((type) -> !type.isWildcardType() && type.isCompatibleWith(MediaType.APPLICATION_JSON));
	}

}
