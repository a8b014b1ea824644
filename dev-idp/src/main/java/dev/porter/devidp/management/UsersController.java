package dev.porter.devidp.management;

import java.util.function.Consumer;

import dev.porter.devidp.users.UserStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Auth0's Management API user endpoints: {@code GET} and {@code PATCH
 * /api/v2/users/{id}}, and {@code POST /api/v2/users} for tests. The id is the whole
 * percent-decoded path segment, so {@code auth0%7C…}, a raw {@code |} and ids with
 * several {@code |} all work.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2/users">Auth0 Management API:
 * Users</a>
 */
@RestController
class UsersController {

	private static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

	private final UserStore users;

	private final UserPayloadValidator validator;

	private final UserMerger merger;

	private final NewUserFactory newUsers;

	private final ProfileSizeLimit sizeLimit;

	private final JsonMapper mapper;

	UsersController(UserStore users, UserPayloadValidator validator, UserMerger merger, NewUserFactory newUsers,
			ProfileSizeLimit sizeLimit, JsonMapper mapper) {
		this.users = users;
		this.validator = validator;
		this.merger = merger;
		this.newUsers = newUsers;
		this.sizeLimit = sizeLimit;
		this.mapper = mapper;
	}

	@GetMapping("/api/v2/users/{id}")
	ObjectNode get(@PathVariable String id, @RequestParam(required = false) @Nullable String fields,
			@RequestParam(name = "include_fields", required = false) @Nullable String includeFields,
			@AuthenticationPrincipal Jwt jwt) {
		checkId(id);
		UserProjection projection = UserProjection.parse(fields, includeFields);
		Caller caller = Caller.of(jwt);
		CallerPolicy.checkRead(caller, id);
		ObjectNode user = this.users.findById(id).orElseThrow(ManagementApiException::inexistentUser);
		return projection.apply(CallerPolicy.visibleTo(caller, user));
	}

	@PatchMapping("/api/v2/users/{id}")
	ObjectNode patch(@PathVariable String id, @RequestBody(required = false) byte @Nullable [] body,
			@AuthenticationPrincipal Jwt jwt) {
		checkId(id);
		ObjectNode patch = readObject(body, this.validator::validatePatch);
		Caller caller = Caller.of(jwt);
		CallerPolicy.checkUpdate(caller, id, patch);
		ObjectNode updated = this.users.update(id, (stored) -> {
			// the merger changes what it is given
			ObjectNode before = stored.deepCopy();
			ObjectNode merged = this.merger.apply(stored, patch);
			this.sizeLimit.checkChange(before, merged, this.mapper);
			return merged;
		}).orElseThrow(ManagementApiException::inexistentUser);
		if (patch.has("password")) {
			this.users.changePassword(id, patch.get("password").asString());
		}
		return CallerPolicy.visibleTo(caller, updated);
	}

	@PostMapping("/api/v2/users")
	ResponseEntity<ObjectNode> create(@RequestBody(required = false) byte @Nullable [] body,
			@AuthenticationPrincipal Jwt jwt) {
		ObjectNode request = readObject(body, this.validator::validateCreate);
		ObjectNode user = this.newUsers.create(request);
		this.sizeLimit.check(user, this.mapper);
		ObjectNode created = this.users.create(user, request.get("password").asString())
			// Auth0 answers a duplicate sign-up with this errorCode (its database "IdP").
			.orElseThrow(() -> new ManagementApiException(HttpStatus.CONFLICT, "The user already exists.",
					"auth0_idp_error"));
		return ResponseEntity.status(HttpStatus.CREATED).body(CallerPolicy.visibleTo(Caller.of(jwt), created));
	}

	/** Any other path under the Management API: Auth0's 404 shape, not Spring's. */
	@RequestMapping("/api/v2/**")
	void unknown() {
		throw new ManagementApiException(HttpStatus.NOT_FOUND, "Not Found", null);
	}

	private static void checkId(String id) {
		if (id.isBlank()) {
			throw ManagementApiException.invalidUri("String is too short (0 chars), minimum 1");
		}
		if (id.chars().anyMatch(Character::isISOControl)) {
			throw ManagementApiException.invalidUri("String contains control characters");
		}
	}

	private ObjectNode readObject(byte @Nullable [] body, Consumer<JsonNode> validate) {
		if (body != null && body.length > MAX_PAYLOAD_BYTES) {
			// Auth0's documented request limit; the message is its HTTP framework's
			// (hapi).
			throw new ManagementApiException(HttpStatus.CONTENT_TOO_LARGE,
					"Payload content length greater than maximum allowed: " + MAX_PAYLOAD_BYTES, null);
		}
		if (body == null || body.length == 0) {
			throw ManagementApiException.invalidBody("Expected type object but found type null", null);
		}
		JsonNode json;
		try {
			json = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw ManagementApiException.badRequest("Invalid request payload JSON format");
		}
		validate.accept(json);
		return (ObjectNode) json;
	}

}
