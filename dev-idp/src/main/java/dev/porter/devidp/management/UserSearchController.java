package dev.porter.devidp.management;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.porter.devidp.users.UserStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Auth0's user search: {@code GET /api/v2/users} ({@code q} in the {@link UserQuery}
 * subset, paging, totals, sort, fields) and {@code GET /api/v2/users-by-email}. Both need
 * {@code read:users}, which the filter chain checks.
 *
 * @see <a href="https://auth0.com/docs/api/management/v2/users/get-users">Get users</a>
 */
@RestController
class UserSearchController {

	/** Auth0 returns at most the first 1000 matches of a search, whatever the paging. */
	private static final int SEARCH_LIMIT = 1000;

	private static final int DEFAULT_PER_PAGE = 50;

	private static final int MAX_PER_PAGE = 100;

	private static final Pattern SORT = Pattern.compile("([a-z_.]+):(1|-1)");

	private final UserStore users;

	UserSearchController(UserStore users) {
		this.users = users;
	}

	@GetMapping("/api/v2/users")
	Object list(@RequestParam(required = false) @Nullable String q,
			@RequestParam(name = "search_engine", required = false) @Nullable String searchEngine,
			@RequestParam(required = false) @Nullable String page,
			@RequestParam(name = "per_page", required = false) @Nullable String perPage,
			@RequestParam(name = "include_totals", required = false) @Nullable String includeTotals,
			@RequestParam(required = false) @Nullable String sort,
			@RequestParam(required = false) @Nullable String fields,
			@RequestParam(name = "include_fields", required = false) @Nullable String includeFields,
			@AuthenticationPrincipal Jwt jwt) {
		checkSearchEngine(searchEngine);
		int pageNumber = integer(page, 0, 0, Integer.MAX_VALUE, "page");
		int size = integer(perPage, DEFAULT_PER_PAGE, 0, MAX_PER_PAGE, "per_page");
		boolean totals = bool(includeTotals, "include_totals");
		UserProjection projection = UserProjection.parse(fields, includeFields);
		Predicate<ObjectNode> query = UserQuery.parse(q);
		long start = (long) pageNumber * size;
		if (start + size > SEARCH_LIMIT) {
			throw ManagementApiException.badRequest("You can only page through the first " + SEARCH_LIMIT
					+ " records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation");
		}
		List<ObjectNode> matches = this.users.findAll().stream().filter(query).sorted(order(sort)).toList();
		Caller caller = Caller.of(jwt);
		List<ObjectNode> pageOfUsers = matches.stream()
			.skip(start)
			.limit(size)
			.map((user) -> projection.apply(CallerPolicy.visibleTo(caller, user)))
			.toList();
		if (!totals) {
			return pageOfUsers;
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("start", start);
		body.put("limit", size);
		body.put("length", pageOfUsers.size());
		body.put("total", Math.min(matches.size(), SEARCH_LIMIT));
		body.put("users", pageOfUsers);
		return body;
	}

	@GetMapping("/api/v2/users-by-email")
	List<ObjectNode> byEmail(@RequestParam(required = false) @Nullable String email,
			@RequestParam(required = false) @Nullable String fields,
			@RequestParam(name = "include_fields", required = false) @Nullable String includeFields,
			@AuthenticationPrincipal Jwt jwt) {
		if (email == null) {
			throw ManagementApiException.invalidQueryString("Missing required property: email", "email");
		}
		UserProjection projection = UserProjection.parse(fields, includeFields);
		Caller caller = Caller.of(jwt);
		// Auth0 compares emails without regard to case (it stores them lower-cased).
		String wanted = email.toLowerCase(Locale.ROOT);
		return this.users.findAll()
			.stream()
			.filter((user) -> wanted.equals(user.path("email").asString("").toLowerCase(Locale.ROOT)))
			.sorted(Comparator.comparing((ObjectNode user) -> user.path("user_id").asString("")))
			.map((user) -> projection.apply(CallerPolicy.visibleTo(caller, user)))
			.toList();
	}

	/** v3 is Auth0's only engine; v2 queries are the same syntax, v1 is gone. */
	private static void checkSearchEngine(@Nullable String searchEngine) {
		if (searchEngine != null && !searchEngine.equals("v3") && !searchEngine.equals("v2")) {
			throw ManagementApiException.invalidQueryString("No enum match for: \"" + searchEngine + "\"",
					"search_engine");
		}
	}

	private static Comparator<ObjectNode> order(@Nullable String sort) {
		// Without sort the order is stable (by user_id), so that paging never repeats a
		// user.
		Comparator<ObjectNode> byId = Comparator.comparing((ObjectNode user) -> user.path("user_id").asString(""));
		if (sort == null) {
			return byId;
		}
		Matcher matcher = SORT.matcher(sort);
		if (!matcher.matches()) {
			throw ManagementApiException
				.invalidQueryString("String does not match pattern ^(([a-zA-Z0-9_\\.]+))\\:(1|-1)$: " + sort, "sort");
		}
		String field = matcher.group(1);
		Comparator<String> direction = matcher.group(2).equals("1") ? Comparator.naturalOrder()
				: Comparator.reverseOrder();
		// Users without the field come last either way.
		Comparator<ObjectNode> byField = Comparator.comparing((ObjectNode user) -> text(user, field),
				Comparator.nullsLast(direction));
		return byField.thenComparing(byId);
	}

	private static @Nullable String text(ObjectNode user, String field) {
		JsonNode node = user;
		for (String name : field.split("\\.")) {
			node = node.path(name);
		}
		return node.isValueNode() && !node.isNull() ? node.asString() : null;
	}

	private static int integer(@Nullable String value, int fallback, int min, int max, String property) {
		if (value == null) {
			return fallback;
		}
		int parsed;
		try {
			parsed = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw ManagementApiException.invalidQueryString("Expected type integer but found type string", property);
		}
		if (parsed < min) {
			throw ManagementApiException.invalidQueryString("Value " + parsed + " is less than minimum " + min,
					property);
		}
		if (parsed > max) {
			throw ManagementApiException.invalidQueryString("Value " + parsed + " is greater than maximum " + max,
					property);
		}
		return parsed;
	}

	private static boolean bool(@Nullable String value, String property) {
		if (value == null) {
			return false;
		}
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw ManagementApiException.invalidQueryString("Expected type boolean but found type string",
					property);
		};
	}

}
