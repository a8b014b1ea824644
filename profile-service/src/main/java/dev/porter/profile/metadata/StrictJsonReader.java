package dev.porter.profile.metadata;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the body token by token into a tree, so that every refusal can name the JSON
 * pointer where it happened. Syntax is strict RFC 8259, whatever the application's shared
 * mapper allows: no comments, no single quotes or unquoted names, no {@code NaN} or
 * {@code Infinity}, no leading zeros or plus signs, no trailing commas, nothing after the
 * object. Broken rules that still leave a readable document are all collected; a syntax
 * error or nesting past the limit stops reading.
 *
 * <p>
 * Numbers must survive a trip through a JavaScript double (Auth0 stores metadata as JSON
 * in a JavaScript world; I-JSON, RFC 7493 §2.2): integers within ±(2^53−1), exactly;
 * fractions and exponents finite, not rounding a non-zero literal to zero, and with no
 * more digits than the double keeps (the value JavaScript writes back for it:
 * {@link #asJavaScriptWritesIt}). They are stored as that double ({@code -0.0} as
 * {@code 0.0}, as {@code JSON.stringify} would). Duplicate names are refused here rather
 * than with Jackson's {@code STRICT_DUPLICATE_DETECTION}, whose error does not point at
 * the repeated member.
 *
 * <p>
 * A {@code null} member of an object below the body is refused: Auth0 replaces such an
 * object whole, and whether it then stores the null or strips it is undocumented
 * (auth0-contract.md, section 3), while RFC 7396 would delete the member. A top-level
 * {@code null} deletes its key, and a {@code null} element of an array is a value.
 */
final class StrictJsonReader {

	static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

	/** Significant digits that always read back as the same double. */
	private static final int MAX_DOUBLE_DIGITS = 17;

	private static final JsonMapper STRICT = JsonMapper.builder()
		.disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
				JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
				JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, JsonReadFeature.ALLOW_RS_CONTROL_CHAR,
				JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
				JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
				JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
				JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS, JsonReadFeature.ALLOW_MISSING_VALUES,
				JsonReadFeature.ALLOW_TRAILING_COMMA)
		.build();

	private static final String NOT_AN_OBJECT = "The body must be a JSON object of user_metadata keys.";

	private static final String NESTED_NULL = "null deletes only a top-level key: inside an object, what the "
			+ "directory does with it is undocumented. Leave the member out (the object is replaced whole).";

	private final JsonNodeFactory nodes = STRICT.getNodeFactory();

	private final Violations violations;

	private final int maxDepth;

	private StrictJsonReader(Violations violations, int maxDepth) {
		this.violations = violations;
		this.maxDepth = maxDepth;
	}

	/**
	 * The body's object, with the violations of the member rules added to
	 * {@code violations}.
	 * @throws MetadataRefusedException if the body is not one strict JSON object or nests
	 * deeper than {@code maxDepth} (the body object is depth 1)
	 */
	static ObjectNode read(String body, Violations violations, int maxDepth) {
		return new StrictJsonReader(violations, maxDepth).read(body);
	}

	/** The mapper whose output the stored metadata is measured with. */
	static JsonMapper mapper() {
		return STRICT;
	}

	private ObjectNode read(String body) {
		if (body.isBlank()) {
			throw this.violations.refusal("", NOT_AN_OBJECT);
		}
		JsonParser parser = STRICT.createParser(body);
		try {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw this.violations.refusal("", NOT_AN_OBJECT);
			}
			ObjectNode root = readObject(parser, "", 1);
			if (parser.nextToken() != null) {
				throw this.violations.refusal("", "Nothing may follow the JSON object.");
			}
			return root;
		}
		catch (JacksonException ex) {
			// Where the parser stopped names the member. Its message quotes the
			// body, so it is not repeated.
			throw this.violations.refusal(parser.streamReadContext().pathAsPointer().toString(),
					"Not valid JSON (RFC 8259) here.");
		}
		finally {
			parser.close();
		}
	}

	private ObjectNode readObject(JsonParser parser, String at, int depth) {
		ObjectNode object = this.nodes.objectNode();
		Set<String> names = new HashSet<>();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			String path = MetadataPatch.pointer(at, name);
			JsonToken value = parser.nextToken();
			if (depth == 1 && value == JsonToken.VALUE_NULL) {
				KeyRules.checkDeleted(name, path, this.violations);
			}
			else {
				KeyRules.check(name, path, this.violations);
			}
			if (depth > 1 && value == JsonToken.VALUE_NULL) {
				this.violations.add(path, NESTED_NULL);
			}
			if (!names.add(name)) {
				this.violations.add(path, "Duplicate key: each key may appear once per object.");
			}
			object.set(name, readValue(parser, value, path, depth));
		}
		return object;
	}

	private ArrayNode readArray(JsonParser parser, String at, int depth) {
		ArrayNode array = this.nodes.arrayNode();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			array.add(readValue(parser, token, at + "/" + array.size(), depth));
		}
		return array;
	}

	private JsonNode readValue(JsonParser parser, JsonToken token, String path, int parentDepth) {
		switch (token) {
			case START_OBJECT, START_ARRAY -> {
				if (parentDepth + 1 > this.maxDepth) {
					throw this.violations.refusal(path, "Nesting deeper than " + this.maxDepth + " levels.");
				}
				return (token == JsonToken.START_OBJECT) ? readObject(parser, path, parentDepth + 1)
						: readArray(parser, path, parentDepth + 1);
			}
			case VALUE_STRING -> {
				String value = parser.getString();
				String problem = CodePoints.valueProblem(value);
				if (problem != null) {
					this.violations.add(path, problem);
				}
				return this.nodes.stringNode(value);
			}
			case VALUE_NUMBER_INT -> {
				return integer(parser, path);
			}
			case VALUE_NUMBER_FLOAT -> {
				return fraction(parser, path);
			}
			case VALUE_TRUE, VALUE_FALSE -> {
				return this.nodes.booleanNode(token == JsonToken.VALUE_TRUE);
			}
			case VALUE_NULL -> {
				return this.nodes.nullNode();
			}
			default -> throw this.violations.refusal(path, "Not valid JSON (RFC 8259) here.");
		}
	}

	private JsonNode integer(JsonParser parser, String path) {
		// Not Math.abs: it leaves Long.MIN_VALUE negative, which would pass the check.
		long value = (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) ? parser.getLongValue() : 0;
		if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER || value > MAX_SAFE_INTEGER
				|| value < -MAX_SAFE_INTEGER) {
			this.violations.add(path, "Integers must be within ±(2^53−1) to keep their exact value.");
			return this.nodes.nullNode();
		}
		// the node type readTree would give, so that equal bodies give equal trees
		return (value == (int) value) ? this.nodes.numberNode((int) value) : this.nodes.numberNode(value);
	}

	private JsonNode fraction(JsonParser parser, String path) {
		BigDecimal exact;
		try {
			exact = parser.getDecimalValue();
		}
		catch (NumberFormatException ex) {
			// an exponent beyond what BigDecimal holds, e.g. 1e99999999999
			this.violations.add(path, "Numbers must be finite as a 64-bit double.");
			return this.nodes.nullNode();
		}
		double value = exact.doubleValue();
		if (Double.isInfinite(value)) {
			this.violations.add(path, "Numbers must be finite as a 64-bit double.");
			return this.nodes.nullNode();
		}
		if (value == 0 && exact.signum() != 0) {
			this.violations.add(path, "Numbers this close to zero would be stored as 0.");
			return this.nodes.nullNode();
		}
		if (exact.compareTo(asJavaScriptWritesIt(value)) != 0) {
			// 9007199254740993.0 would come back as 9007199254740992, as the same
			// integer without a fraction would (refused above), 0.30000000000000001
			// as 0.3
			this.violations.add(path,
					"Numbers must keep their exact value as a 64-bit double: this one has more digits than it keeps.");
			return this.nodes.nullNode();
		}
		return this.nodes.numberNode((value == 0) ? 0.0 : value);
	}

	/**
	 * The value of the decimal JavaScript writes for {@code value} (ECMA-262
	 * Number::toString, which JSON.stringify uses): the fewest significant digits that
	 * read back as {@code value}, the nearest to it among those. What a client sent comes
	 * back unchanged exactly when it has this value; trailing zeros and the exponent's
	 * spelling do not matter. Not {@code Double.toString}: before Java 19 it sometimes
	 * writes more digits than needed, and never fewer than two ({@code 4.9E-324}, where
	 * JavaScript writes {@code 5e-324}).
	 */
	static BigDecimal asJavaScriptWritesIt(double value) {
		BigDecimal exact = new BigDecimal(value);
		for (int digits = 1; digits < MAX_DOUBLE_DIGITS; digits++) {
			BigDecimal nearest = nearestThatReadsBack(exact, value, digits);
			if (nearest != null) {
				return nearest;
			}
		}
		return exact.round(new MathContext(MAX_DOUBLE_DIGITS, RoundingMode.HALF_EVEN));
	}

	/**
	 * Of the two decimals with {@code digits} significant digits either side of
	 * {@code exact}, the nearer one that reads back as {@code value}, the even one on a
	 * tie; null when neither does. Both are needed: at a power of two the neighbour below
	 * is half as far as the one above, so the decimals that read back reach further up
	 * than down, and the nearer decimal can fall outside them while the one above does
	 * not (2^-24 is written 5.960464477539063e-8, not 5.960464477539062e-8).
	 */
	private static @Nullable BigDecimal nearestThatReadsBack(BigDecimal exact, double value, int digits) {
		BigDecimal below = exact.round(new MathContext(digits, RoundingMode.DOWN));
		BigDecimal above = exact.round(new MathContext(digits, RoundingMode.UP));
		boolean belowReadsBack = below.doubleValue() == value;
		boolean aboveReadsBack = above.doubleValue() == value;
		if (belowReadsBack && aboveReadsBack) {
			return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
		}
		if (belowReadsBack) {
			return below;
		}
		return aboveReadsBack ? above : null;
	}

}
