package dev.porter.profile.userinfo;

import java.time.Clock;

import reactor.core.publisher.Mono;

import dev.porter.profile.oidc.OidcEndpoints;
import dev.porter.profile.upstream.UpstreamException;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Calls the IdP's {@code /userinfo} with the caller's own access token, through the
 * {@code userinfo} resilience policy.
 */
@Component
public class UserinfoClient {

	private final WebClient webClient;

	private final OidcEndpoints endpoints;

	private final UpstreamPolicy policy;

	private final UpstreamResponses responses;

	UserinfoClient(@Qualifier("userinfoWebClient") WebClient webClient, OidcEndpoints endpoints,
			@Qualifier("userinfo") UpstreamPolicy policy, Clock clock) {
		this.webClient = webClient;
		this.endpoints = endpoints;
		this.policy = policy;
		this.responses = new UpstreamResponses("userinfo", clock, true);
	}

	/** The claims of {@code sub}; the token is only forwarded, never stored or logged. */
	public Mono<Userinfo> fetch(String sub, String accessToken) {
		Mono<Userinfo> call = this.endpoints.userinfoUri()
			.onErrorMap((ex) -> this.responses.failure(UpstreamException.Kind.UNAVAILABLE, null, ex))
			.flatMap((uri) -> this.webClient.get()
				.uri(uri)
				.headers((headers) -> headers.setBearerAuth(accessToken))
				.accept(MediaType.APPLICATION_JSON)
				.exchangeToMono(this.responses::object))
			.onErrorMap(this.responses::transport)
			.map(Userinfo::new)
			.flatMap((userinfo) -> sameSubject(sub, userinfo));
		return this.policy.apply(call);
	}

	// A /userinfo answer about someone else must never be merged into this
	// caller's profile. It is about this caller's token (Auth0 answers 200 {} to one
	// without openid), so it does not count against the circuit all callers share.
	private Mono<Userinfo> sameSubject(String sub, Userinfo userinfo) {
		return sub.equals(userinfo.sub()) ? Mono.just(userinfo)
				: Mono.error(this.responses.failure(UpstreamException.Kind.ENTRY_UNUSABLE, null, null));
	}

}
