package dev.porter.profile.directory.auth0;

import java.net.URI;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryCalls;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.upstream.UpstreamException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * The Auth0 Management API {@code users/{id}} resource. The id is percent-encoded as one
 * path segment ({@code auth0|abc} → {@code auth0%7Cabc}), so ids with several {@code |}
 * or a {@code /} stay one segment.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2/users/get-users-by-id">GET
 * users/{id}</a>
 */
final class Auth0Directory implements Directory {

	/** Auth0's {@code errorCode} of a 404 that says the user does not exist. */
	private static final String INEXISTENT_USER = "inexistent_user";

	private final WebClient webClient;

	private final DirectoryCalls calls;

	Auth0Directory(WebClient managementWebClient, URI managementUri, DirectoryCalls calls) {
		this.webClient = managementWebClient.mutate().uriBuilderFactory(uriFactory(managementUri)).build();
		this.calls = calls;
	}

	@Override
	public Mono<DirectoryUser> find(String sub) {
		return this.calls
			.withToken((token) -> this.webClient.get()
				.uri("users/{id}", Map.of("id", sub))
				.headers((headers) -> headers.setBearerAuth(token))
				.accept(MediaType.APPLICATION_JSON)
				.exchangeToMono(this::answer))
			.map(DirectoryUser::new);
	}

	/**
	 * Sends exactly {@code {"user_metadata": delta}}: Auth0 merges its top-level keys and
	 * deletes those set to null, so a concurrent writer's other keys survive.
	 */
	@Override
	public Mono<DirectoryUser> updateUserMetadata(String sub, MetadataPatch patch) {
		Map<String, Object> body = Map.of("user_metadata", patch.delta());
		return this.calls
			.changeWithToken((token) -> this.webClient.patch()
				.uri("users/{id}", Map.of("id", sub))
				.headers((headers) -> headers.setBearerAuth(token))
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchangeToMono(this::answer))
			.map(DirectoryUser::new);
	}

	private Mono<ObjectNode> answer(ClientResponse response) {
		return (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) ? notFound(response)
				: this.calls.responses().object(response);
	}

	/**
	 * Auth0 says that a user does not exist with {@code errorCode: "inexistent_user"}; a
	 * 404 without it (a route Auth0 does not serve, a proxy's page, another resource's
	 * {@code "The role does not exist."} without a code) is the same for every user: a
	 * bad response, counted and logged, never "user not found", which would be told to
	 * every caller and remembered as her being gone.
	 */
	private Mono<ObjectNode> notFound(ClientResponse response) {
		return response.bodyToMono(JsonNode.class)
			.map((body) -> INEXISTENT_USER.equals(body.path("errorCode").asString("")))
			.onErrorReturn(false)
			.defaultIfEmpty(false)
			.flatMap((userGone) -> Mono.error(this.calls.responses()
				.failure(userGone ? UpstreamException.Kind.NOT_FOUND : UpstreamException.Kind.BAD_RESPONSE,
						HttpStatus.NOT_FOUND.value())));
	}

	private static DefaultUriBuilderFactory uriFactory(URI base) {
		DefaultUriBuilderFactory factory = new DefaultUriBuilderFactory(base.toString());
		// values are encoded whole: '|' and '/' inside a user id never split the path
		factory.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
		return factory;
	}

}
