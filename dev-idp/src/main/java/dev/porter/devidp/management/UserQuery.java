package dev.porter.devidp.management;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The subset of Auth0's user search query syntax (v3, Lucene) that dev-idp understands:
 * {@code field:value} and {@code field:"quoted phrase"}, {@code AND}, {@code OR},
 * {@code NOT}, parentheses, and a trailing {@code *} for a prefix on {@code email},
 * {@code name}, {@code user_id} and metadata. Terms without an operator between them are
 * joined by {@code OR}, Lucene's default. Anything else is refused rather than guessed
 * at, so that a query never silently matches what Auth0 would not.
 *
 * @see <a href=
 * "https://auth0.com/docs/manage-users/user-search/user-search-query-syntax">User Search
 * Query Syntax</a>
 */
final class UserQuery {

	/** Fields Auth0 matches without regard to case; the others match exactly. */
	private static final Set<String> CASE_INSENSITIVE = Set.of("email", "name", "nickname", "given_name", "family_name",
			"username");

	private static final Set<String> FIELDS = Set.of("email", "email_verified", "name", "nickname", "given_name",
			"family_name", "username", "user_id", "phone_number", "blocked", "identities.connection",
			"identities.provider", "identities.user_id");

	private static final Set<String> PREFIX_FIELDS = Set.of("email", "name", "user_id");

	private static final String METADATA_APP = "app_metadata.";

	private static final String METADATA_USER = "user_metadata.";

	private final List<Token> tokens;

	private int next;

	private UserQuery(List<Token> tokens) {
		this.tokens = tokens;
	}

	/**
	 * The users {@code q} selects; a missing or blank query selects everyone.
	 * @throws ManagementApiException (400 {@code invalid_query_string}) when {@code q} is
	 * outside the subset
	 */
	static Predicate<ObjectNode> parse(@Nullable String q) {
		if (q == null || q.isBlank()) {
			return (user) -> true;
		}
		UserQuery parser = new UserQuery(tokenize(q));
		Predicate<ObjectNode> query = parser.or();
		if (parser.next < parser.tokens.size()) {
			throw invalid("unexpected '" + parser.tokens.get(parser.next).text() + "'");
		}
		return query;
	}

	private Predicate<ObjectNode> or() {
		Predicate<ObjectNode> result = and();
		while (this.next < this.tokens.size() && !peekIs(")")) {
			if (peekIs("OR")) {
				this.next++;
			}
			result = result.or(and());
		}
		return result;
	}

	private Predicate<ObjectNode> and() {
		Predicate<ObjectNode> result = unary();
		while (peekIs("AND")) {
			this.next++;
			result = result.and(unary());
		}
		return result;
	}

	private Predicate<ObjectNode> unary() {
		if (this.next >= this.tokens.size()) {
			throw invalid("unexpected end of query");
		}
		Token token = this.tokens.get(this.next++);
		if (token.is("NOT")) {
			return unary().negate();
		}
		if (token.is("(")) {
			Predicate<ObjectNode> inner = or();
			if (!peekIs(")")) {
				throw invalid("missing ')'");
			}
			this.next++;
			return inner;
		}
		if (token.field() == null) {
			throw invalid("expected field:value but found '" + token.text() + "'");
		}
		return term(token.field(), token.text(), token.quoted());
	}

	private boolean peekIs(String text) {
		return this.next < this.tokens.size() && this.tokens.get(this.next).is(text);
	}

	private static Predicate<ObjectNode> term(String field, String value, boolean quoted) {
		boolean metadata = field.startsWith(METADATA_APP) || field.startsWith(METADATA_USER);
		if (!FIELDS.contains(field) && !(metadata && field.indexOf('.') < field.length() - 1)) {
			throw invalid("field '" + field + "' cannot be searched");
		}
		boolean prefix = !quoted && value.endsWith("*");
		if (prefix && !metadata && !PREFIX_FIELDS.contains(field)) {
			throw invalid("wildcards are not allowed on '" + field + "'");
		}
		String wanted = prefix ? value.substring(0, value.length() - 1) : value;
		if (wanted.contains("*") || (!quoted && wanted.isEmpty() && !prefix)) {
			throw invalid("invalid value for '" + field + "'");
		}
		boolean ignoreCase = CASE_INSENSITIVE.contains(field);
		String expected = ignoreCase ? wanted.toLowerCase(Locale.ROOT) : wanted;
		return (user) -> values(user, field).stream()
			.map((v) -> ignoreCase ? v.toLowerCase(Locale.ROOT) : v)
			.anyMatch((v) -> prefix ? v.startsWith(expected) : v.equals(expected));
	}

	/** The texts at a dotted path, looking into every element of arrays on the way. */
	private static List<String> values(JsonNode node, String path) {
		List<JsonNode> current = List.of(node);
		for (String name : path.split("\\.")) {
			List<JsonNode> children = new ArrayList<>();
			for (JsonNode parent : current) {
				JsonNode child = parent.get(name);
				if (child != null && child.isArray()) {
					child.forEach(children::add);
				}
				else if (child != null) {
					children.add(child);
				}
			}
			current = children;
		}
		List<String> texts = new ArrayList<>();
		for (JsonNode leaf : current) {
			if (leaf.isArray()) {
				leaf.forEach((element) -> addText(element, texts));
			}
			else {
				addText(leaf, texts);
			}
		}
		return texts;
	}

	private static void addText(JsonNode leaf, List<String> texts) {
		if (leaf.isValueNode() && !leaf.isNull()) {
			texts.add(leaf.asString());
		}
	}

	private static List<Token> tokenize(String q) {
		List<Token> tokens = new ArrayList<>();
		int i = 0;
		while (i < q.length()) {
			char c = q.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
			}
			else if (c == '(' || c == ')') {
				tokens.add(new Token(null, String.valueOf(c), false));
				i++;
			}
			else {
				int start = i;
				while (i < q.length() && !Character.isWhitespace(q.charAt(i)) && "()\"".indexOf(q.charAt(i)) < 0) {
					i++;
				}
				String word = q.substring(start, i);
				int colon = word.indexOf(':');
				if (colon <= 0) {
					if (i < q.length() && q.charAt(i) == '"') {
						throw invalid("a quoted phrase must follow a field name");
					}
					tokens.add(new Token(null, word, false));
				}
				else if (colon == word.length() - 1 && i < q.length() && q.charAt(i) == '"') {
					int end = q.indexOf('"', i + 1);
					if (end < 0) {
						throw invalid("unterminated quoted phrase");
					}
					tokens.add(new Token(word.substring(0, colon), q.substring(i + 1, end), true));
					i = end + 1;
				}
				else {
					tokens.add(new Token(word.substring(0, colon), word.substring(colon + 1), false));
				}
			}
		}
		return tokens;
	}

	private static ManagementApiException invalid(String detail) {
		return ManagementApiException.invalidQueryString("Invalid query: " + detail, "q");
	}

	/** An operator or parenthesis ({@code field} null), or a {@code field:value} term. */
	private record Token(@Nullable String field, String text, boolean quoted) {

		boolean is(String operator) {
			return this.field == null && this.text.equals(operator);
		}

	}

}
