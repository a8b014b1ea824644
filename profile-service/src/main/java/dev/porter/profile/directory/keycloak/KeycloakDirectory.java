package dev.porter.profile.directory.keycloak;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.Directory;
import dev.porter.profile.directory.DirectoryCalls;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.directory.PerUserSequence;
import dev.porter.profile.metadata.MetadataPatch;
import dev.porter.profile.upstream.UpstreamException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * The Keycloak Admin REST API {@code users/{id}} resource of one realm; a Keycloak
 * token's {@code sub} is the user's id.
 *
 * <p>
 * Keycloak has no merge for attributes and no ETag on users, so a metadata change is a
 * read-modify-write: {@code GET} the user, change the prefixed attributes, {@code PUT}
 * the profile fields and attributes back (never account state:
 * {@link KeycloakUsers#withMetadata}), {@code GET} it again to confirm. Within this
 * instance the changes of one user run one after another; two instances changing the same
 * user at the same moment can still lose one of the changes (the last {@code PUT} wins).
 *
 * @see <a href=
 * "https://www.keycloak.org/docs-api/latest/rest-api/index.html#_users">Keycloak Admin
 * REST API: Users</a>
 */
final class KeycloakDirectory implements Directory {

	private static final Logger log = LoggerFactory.getLogger(KeycloakDirectory.class);

	private final WebClient webClient;

	private final DirectoryCalls calls;

	private final KeycloakUsers users;

	private final PerUserSequence sequence = new PerUserSequence();

	KeycloakDirectory(WebClient adminWebClient, URI adminUri, DirectoryCalls calls, KeycloakUsers users) {
		this.webClient = adminWebClient.mutate().uriBuilderFactory(uriFactory(adminUri)).build();
		this.calls = calls;
		this.users = users;
	}

	@Override
	public Mono<DirectoryUser> find(String sub) {
		return representation(sub).map(this.users::toDirectoryUser);
	}

	@Override
	public Mono<DirectoryUser> updateUserMetadata(String sub, MetadataPatch patch) {
		return this.sequence.run(sub,
				representation(sub).map((current) -> this.users.withMetadata(current, patch))
					.flatMap((updated) -> put(sub, updated))
					.then(Mono.defer(() -> representation(sub)))
					.flatMap((stored) -> confirmed(stored, patch))
					.map(this.users::toDirectoryUser));
	}

	private Mono<ObjectNode> representation(String sub) {
		return this.calls.withToken((token) -> this.webClient.get()
			.uri("users/{id}", Map.of("id", sub))
			.headers((headers) -> headers.setBearerAuth(token))
			.accept(MediaType.APPLICATION_JSON)
			.exchangeToMono(this.calls.responses()::object));
	}

	private Mono<Void> put(String sub, ObjectNode representation) {
		return this.calls.changeWithToken((token) -> this.webClient.put()
			.uri("users/{id}", Map.of("id", sub))
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(representation)
			.exchangeToMono((response) -> (response.statusCode().value() == HttpStatus.BAD_REQUEST.value())
					? refusedWrite(response) : this.calls.responses().empty(response)));
	}

	/**
	 * Whose fault Keycloak's 400 to a write is, by the fields it names ({@code field}, or
	 * {@code errors[].field} when more than one rule broke): a metadata attribute among
	 * them is the caller's value (refused, 422); other fields are what the user's stored
	 * record holds (a first name from a social login). Without a field, Keycloak's store
	 * refused the write ("Could not update user!": a value its database cannot hold as
	 * much as a database error). Either way it is about this user's write, answered 502,
	 * never retried and counted on no breaker: one user must not open the circuit for
	 * all. An outage of Keycloak's database shows on the reads, which count.
	 */
	private Mono<Void> refusedWrite(ClientResponse response) {
		return response.bodyToMono(JsonNode.class)
			.map(KeycloakDirectory::fieldsNamed)
			.onErrorReturn(List.of())
			.defaultIfEmpty(List.of())
			.flatMap((fields) -> {
				UpstreamException.Kind kind = fields.stream().anyMatch(this.users::isMetadata)
						? UpstreamException.Kind.REFUSED : UpstreamException.Kind.ENTRY_UNUSABLE;
				return Mono.error(this.calls.responses().failure(kind, HttpStatus.BAD_REQUEST.value()));
			});
	}

	/**
	 * {@code {"field":…}} for one broken rule, {@code {"errors":[{"field":…}…]}} for
	 * more.
	 */
	private static List<String> fieldsNamed(JsonNode body) {
		List<String> fields = new ArrayList<>();
		fields.add(body.path("field").asString(""));
		body.path("errors").forEach((error) -> fields.add(error.path("field").asString("")));
		fields.removeIf(String::isEmpty);
		return fields;
	}

	private Mono<ObjectNode> confirmed(ObjectNode stored, MetadataPatch patch) {
		List<String> missing = this.users.notStored(stored, patch);
		if (missing.isEmpty()) {
			return Mono.just(stored);
		}
		// ADMIN_EDIT, not ENABLED: ENABLED also lets users write these attributes
		// themselves (Account Console, Account REST API), past every metadata rule here.
		log.warn("keycloak accepted but did not store {} user attribute(s): set the realm's user profile "
				+ "unmanagedAttributePolicy to ADMIN_EDIT", missing.size());
		return Mono.error(this.calls.badResponse());
	}

	private static DefaultUriBuilderFactory uriFactory(URI base) {
		DefaultUriBuilderFactory factory = new DefaultUriBuilderFactory(base.toString());
		factory.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
		return factory;
	}

}
