package dev.porter.profile.directory;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.config.DirectoryProperties;
import dev.porter.profile.upstream.UpstreamException;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * The Auth0 Management API {@code users/{id}} resource with the M2M token, through the
 * {@code management} resilience policy. The id is percent-encoded as one path segment
 * ({@code auth0|abc} → {@code auth0%7Cabc}), so ids with several {@code |} or a {@code /}
 * stay one segment.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2/users/get-users-by-id">GET
 * users/{id}</a>
 */
@Component
public class DirectoryClient {

	private final WebClient webClient;

	private final ManagementTokens tokens;

	private final UpstreamPolicy policy;

	private final UpstreamResponses responses;

	DirectoryClient(@Qualifier("managementWebClient") WebClient managementWebClient, ManagementTokens tokens,
			@Qualifier("management") UpstreamPolicy policy, DirectoryProperties properties, Clock clock) {
		this.webClient = managementWebClient.mutate().uriBuilderFactory(uriFactory(properties.managementUri())).build();
		this.tokens = tokens;
		this.policy = policy;
		this.responses = new UpstreamResponses("management", clock, false);
	}

	public Mono<DirectoryUser> get(String userId) {
		return withToken((token) -> this.webClient.get()
			.uri("users/{id}", Map.of("id", userId))
			.headers((headers) -> headers.setBearerAuth(token))
			.accept(MediaType.APPLICATION_JSON)
			.exchangeToMono(this.responses::object));
	}

	/**
	 * Sends exactly {@code {"user_metadata": delta}}: Auth0 merges its top-level keys and
	 * deletes those set to null, so a concurrent writer's other keys survive.
	 */
	public Mono<DirectoryUser> patchUserMetadata(String userId, ObjectNode delta) {
		Map<String, Object> body = Map.of("user_metadata", delta);
		return withToken((token) -> this.webClient.patch()
			.uri("users/{id}", Map.of("id", userId))
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono(this.responses::object));
	}

	/**
	 * One call with the current M2M token; on a 401 (token revoked, keys rotated) the
	 * token is dropped and the call made once more with a fresh one. The token is
	 * obtained outside the Management API's operators: waiting for it is not the
	 * Management API being slow.
	 */
	private Mono<DirectoryUser> withToken(Function<String, Mono<ObjectNode>> call) {
		Mono<ObjectNode> once = this.tokens.accessToken()
			.onErrorMap((ex) -> this.responses.failure(UpstreamException.Kind.UNAVAILABLE, null, ex))
			.flatMap((token) -> this.policy.decorate(call.apply(token).onErrorMap(this.responses::transport))
				.onErrorResume(DirectoryClient::isTokenRejected,
						(ex) -> this.tokens.invalidate(token).then(Mono.error(ex))));
		return once
			.onErrorResume(DirectoryClient::isTokenRejected,
					(ex) -> once.onErrorMap(DirectoryClient::isTokenRejected,
							(again) -> this.responses.failure(UpstreamException.Kind.BAD_RESPONSE, null, again)))
			.onErrorMap(this.policy::toProblem)
			.map(DirectoryUser::new);
	}

	private static boolean isTokenRejected(Throwable ex) {
		return ex instanceof UpstreamException upstream && upstream.kind() == UpstreamException.Kind.TOKEN_REJECTED;
	}

	private static DefaultUriBuilderFactory uriFactory(URI base) {
		DefaultUriBuilderFactory factory = new DefaultUriBuilderFactory(base.toString());
		// values are encoded whole: '|' and '/' inside a user id never split the path
		factory.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
		return factory;
	}

}
