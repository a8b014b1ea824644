package dev.porter.e2e.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first {@code <form>} of a page: enough HTML reading to submit a login form as a
 * browser would.
 */
record HtmlForm(String method, String action, Map<String, String> hiddenFields) {

	private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

	static HtmlForm first(String html) {
		Matcher form = FORM.matcher(html);
		if (!form.find()) {
			throw new IllegalStateException("no form in page:\n" + html);
		}
		String attributes = form.group(1);
		Map<String, String> hidden = new LinkedHashMap<>();
		Matcher input = INPUT.matcher(form.group(2));
		while (input.find()) {
			if ("hidden".equalsIgnoreCase(attribute(input.group(1), "type"))) {
				hidden.put(attribute(input.group(1), "name"), attribute(input.group(1), "value"));
			}
		}
		String method = attribute(attributes, "method");
		return new HtmlForm(method.isEmpty() ? "GET" : method.toUpperCase(), attribute(attributes, "action"), hidden);
	}

	private static String attribute(String attributes, String name) {
		Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*[\"']([^\"']*)[\"']", Pattern.CASE_INSENSITIVE)
			.matcher(attributes);
		return m.find() ? unescape(m.group(1)) : "";
	}

	private static String unescape(String value) {
		return value.replace("&amp;", "&")
			.replace("&quot;", "\"")
			.replace("&#39;", "'")
			.replace("&lt;", "<")
			.replace("&gt;", ">");
	}

}
