package dev.porter.devidp.management;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The Management API operations dev-idp serves and the scopes each accepts (any one of
 * them), as Auth0's OpenAPI document lists them.
 */
enum ManagementOperation {

	READ_USER(HttpMethod.GET, "/api/v2/users/*", Caller.READ_USERS, Caller.READ_CURRENT_USER,
			Caller.READ_USER_IDP_TOKENS),

	UPDATE_USER(HttpMethod.PATCH, "/api/v2/users/*", Caller.UPDATE_USERS, Caller.UPDATE_USERS_APP_METADATA,
			Caller.UPDATE_CURRENT_USER_METADATA),

	CREATE_USER(HttpMethod.POST, "/api/v2/users", Caller.CREATE_USERS),

	LIST_USERS(HttpMethod.GET, "/api/v2/users", Caller.READ_USERS),

	USERS_BY_EMAIL(HttpMethod.GET, "/api/v2/users-by-email", Caller.READ_USERS);

	private final HttpMethod method;

	private final String pattern;

	private final List<String> scopes;

	ManagementOperation(HttpMethod method, String pattern, String... scopes) {
		this.method = method;
		this.pattern = pattern;
		this.scopes = List.of(scopes);
	}

	/**
	 * The methods that reach it: a GET's handler answers HEAD too (Spring MVC), with the
	 * length of the body it withholds, so HEAD needs the same scopes.
	 */
	List<HttpMethod> methods() {
		return HttpMethod.GET.equals(this.method) ? List.of(HttpMethod.GET, HttpMethod.HEAD) : List.of(this.method);
	}

	String pattern() {
		return this.pattern;
	}

	String[] authorities() {
		return this.scopes.stream().map((scope) -> "SCOPE_" + scope).toArray(String[]::new);
	}

	/**
	 * Auth0's 403 text, for example "Insufficient scope, expected any of: read:users,…".
	 */
	String insufficientScopeMessage() {
		return "Insufficient scope, expected any of: " + String.join(",", this.scopes);
	}

	static Optional<ManagementOperation> of(HttpServletRequest request) {
		return Arrays.stream(values())
			.filter((op) -> op.methods()
				.stream()
				.anyMatch((method) -> PathPatternRequestMatcher.withDefaults()
					.matcher(method, op.pattern)
					.matches(request)))
			.findFirst();
	}

}
