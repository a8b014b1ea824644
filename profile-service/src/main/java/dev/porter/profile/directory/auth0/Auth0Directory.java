package dev.porter.profile.directory.auth0;

import java.net.URI;
import java.util.Map;

import reactor.core.publisher.Mono;

import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryCalls;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.metadata.MetadataPatch;

import org.springframework.http.MediaType;
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
				.exchangeToMono(this.calls.responses()::object))
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
				.exchangeToMono(this.calls.responses()::object))
			.map(DirectoryUser::new);
	}

	private static DefaultUriBuilderFactory uriFactory(URI base) {
		DefaultUriBuilderFactory factory = new DefaultUriBuilderFactory(base.toString());
		// values are encoded whole: '|' and '/' inside a user id never split the path
		factory.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
		return factory;
	}

}
