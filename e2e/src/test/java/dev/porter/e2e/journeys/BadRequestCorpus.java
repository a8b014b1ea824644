package dev.porter.e2e.journeys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads a corpus of bad requests kept as a tab-separated data file (its header explains
 * the columns and the escapes), so that the cases can be read and extended without
 * touching Java.
 */
final class BadRequestCorpus {

	private static final Pattern ESCAPE = Pattern
		.compile("\\\\x\\{([0-9a-fA-F]{2})\\}|\\\\u\\{([0-9a-fA-F]{1,6})\\}|«(\\d+)\\*([^»]*)»");

	private BadRequestCorpus() {
	}

	/**
	 * One bad request and what the service must answer.
	 *
	 * @param contentType {@code null} to send no Content-Type
	 * @param pointer {@code null} when the refusal names no field
	 */
	record BadRequest(String name, @Nullable String contentType, int status, @Nullable String pointer, byte[] body) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static List<BadRequest> load(String resource) {
		List<BadRequest> cases = new ArrayList<>();
		String[] lines = read(resource).split("\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			String[] columns = line.split("\t", -1);
			if (columns.length != 5) {
				throw new IllegalStateException(
						resource + ":" + (i + 1) + " has " + columns.length + " columns, expected 5: " + line);
			}
			cases.add(new BadRequest(columns[0], columns[1].equals("-") ? null : columns[1],
					Integer.parseInt(columns[2]), pointer(columns[3]), body(columns[4])));
		}
		return cases;
	}

	private static @Nullable String pointer(String column) {
		if (column.equals("-")) {
			return null;
		}
		if (column.equals("\"\"")) {
			return "";
		}
		return new String(expand(column), StandardCharsets.UTF_8);
	}

	private static byte[] body(String column) {
		if (column.startsWith("hex:")) {
			return HexFormat.of().parseHex(column.substring(4).replace(" ", ""));
		}
		return expand(column);
	}

	/** The column's text as UTF-8 with the corpus escapes replaced. */
	private static byte[] expand(String text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		Matcher matcher = ESCAPE.matcher(text);
		int at = 0;
		while (matcher.find()) {
			out.writeBytes(text.substring(at, matcher.start()).getBytes(StandardCharsets.UTF_8));
			if (matcher.group(1) != null) {
				out.write(Integer.parseInt(matcher.group(1), 16));
			}
			else if (matcher.group(2) != null) {
				out.writeBytes(
						Character.toString(Integer.parseInt(matcher.group(2), 16)).getBytes(StandardCharsets.UTF_8));
			}
			else {
				String unit = Objects.requireNonNull(matcher.group(4));
				for (int n = 0; n < Integer.parseInt(matcher.group(3)); n++) {
					out.writeBytes(unit.replace("{i}", Integer.toString(n)).getBytes(StandardCharsets.UTF_8));
				}
			}
			at = matcher.end();
		}
		out.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

	private static String read(String resource) {
		try (InputStream in = BadRequestCorpus.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("no resource " + resource);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
