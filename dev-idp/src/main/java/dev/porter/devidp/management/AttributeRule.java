package dev.porter.devidp.management;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The schema of one root attribute of a user payload: its JSON type, whether {@code null}
 * (which unsets it) is allowed, and the limits of Auth0's
 * {@code UpdateUserRequestContent}.
 */
record AttributeRule(Type type, boolean nullable, int minLength, int maxLength, @Nullable Format format) {

	enum Type {

		STRING, BOOLEAN, OBJECT

	}

	enum Format {

		EMAIL, PHONE, URI

	}

	private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

	private static final Pattern PHONE = Pattern.compile("^\\+[0-9]{1,15}$");

	static AttributeRule string(boolean nullable, int minLength, int maxLength) {
		return new AttributeRule(Type.STRING, nullable, minLength, maxLength, null);
	}

	static AttributeRule string(boolean nullable, Format format) {
		return new AttributeRule(Type.STRING, nullable, 1, Integer.MAX_VALUE, format);
	}

	static AttributeRule bool(boolean nullable) {
		return new AttributeRule(Type.BOOLEAN, nullable, 0, 0, null);
	}

	static AttributeRule object() {
		// [?] Auth0's schema types metadata as a (non-nullable) object; {"user_metadata":
		// null} is undocumented, so dev-idp refuses it rather than guess a meaning.
		return new AttributeRule(Type.OBJECT, false, 0, 0, null);
	}

	void check(String property, JsonNode value) {
		if (value.isNull()) {
			if (!this.nullable) {
				throw ManagementApiException.invalidBody(expected(value), property);
			}
			return;
		}
		boolean typeMatches = switch (this.type) {
			case STRING -> value.isString();
			case BOOLEAN -> value.isBoolean();
			case OBJECT -> value.isObject();
		};
		if (!typeMatches) {
			throw ManagementApiException.invalidBody(expected(value), property);
		}
		if (this.type == Type.STRING) {
			checkString(property, value.asString());
		}
	}

	private void checkString(String property, String value) {
		int length = value.codePointCount(0, value.length());
		if (length < this.minLength) {
			throw ManagementApiException
				.invalidBody("String is too short (" + length + " chars), minimum " + this.minLength, property);
		}
		if (length > this.maxLength) {
			throw ManagementApiException
				.invalidBody("String is too long (" + length + " chars), maximum " + this.maxLength, property);
		}
		if (this.format != null && !matches(this.format, value)) {
			throw ManagementApiException.invalidBody("Object didn't pass validation for format "
					+ this.format.name().toLowerCase(Locale.ROOT) + ": " + value, property);
		}
	}

	private static boolean matches(Format format, String value) {
		return switch (format) {
			case EMAIL -> EMAIL.matcher(value).matches();
			case PHONE -> PHONE.matcher(value).matches();
			case URI -> isAbsoluteHttpUri(value);
		};
	}

	private static boolean isAbsoluteHttpUri(String value) {
		try {
			URI uri = new URI(value);
			return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private String expected(JsonNode value) {
		return "Expected type " + this.type.name().toLowerCase(Locale.ROOT) + " but found type " + typeName(value);
	}

	static String typeName(JsonNode value) {
		if (value.isIntegralNumber()) {
			return "integer";
		}
		return switch (value.getNodeType()) {
			case STRING -> "string";
			case BOOLEAN -> "boolean";
			case OBJECT -> "object";
			case ARRAY -> "array";
			case NUMBER -> "number";
			case NULL -> "null";
			default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
		};
	}

}
