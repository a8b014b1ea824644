package dev.porter.profile.metadata;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The body's bytes as text, accepted only as UTF-8 (RFC 8259 §8.1): another declared
 * charset, a byte order mark, or any byte sequence that is not well-formed UTF-8
 * (overlong forms, encoded surrogates as in CESU-8, code points past U+10FFFF, truncated
 * sequences) refuses the whole body. Decoding is never left to a declared charset or to
 * the JSON parser's encoding detection, which would read UTF-16 or UTF-32 too.
 */
final class Utf8Body {

	private Utf8Body() {
	}

	/**
	 * @param declaredCharset the {@code charset} parameter of the Content-Type, if any
	 */
	static String decode(byte[] body, @Nullable String declaredCharset) {
		if (declaredCharset != null && !isUtf8(declaredCharset)) {
			throw new Violations().refusal("", "The body must be UTF-8 JSON; no other charset is accepted.");
		}
		if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
			throw new Violations().refusal("", "The body must not start with a byte order mark.");
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(body);
		CharBuffer out = CharBuffer.allocate(body.length);
		CoderResult result = decoder.decode(in, out, true);
		if (!result.isError()) {
			result = decoder.flush(out);
		}
		if (result.isError()) {
			throw new Violations().refusal("", "The body is not valid UTF-8 (at byte offset " + in.position() + ").");
		}
		return out.flip().toString();
	}

	private static boolean isUtf8(String charset) {
		String name = charset.trim();
		if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
			name = name.substring(1, name.length() - 1);
		}
		return name.toLowerCase(Locale.ROOT).equals("utf-8");
	}

}
