package dev.porter.e2e.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A scripted browser: a cookie jar (shared across localhost ports and sending
 * {@code Secure} cookies to {@code http://localhost}, as Chrome and Firefox do, unlike
 * {@link java.net.CookieManager} and Safari), redirects followed one by one, and a
 * transcript of every exchange so a test can scan all of it for tokens.
 */
public final class UserAgent {

	private static final int MAX_REDIRECTS = 20;

	private final HttpClient http = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Duration requestTimeout;

	private final Map<String, Cookie> cookies = new LinkedHashMap<>();

	private final List<Exchange> transcript = new ArrayList<>();

	/** Waits up to 30 s for each answer. */
	public UserAgent() {
		this(Duration.ofSeconds(30));
	}

	/**
	 * Waits up to {@code requestTimeout} for each answer, for a server known to take
	 * longer for some of its work.
	 */
	public UserAgent(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public Exchange get(URI uri, String... headers) {
		return send("GET", uri, HttpRequest.BodyPublishers.noBody(), headers);
	}

	public Exchange send(String method, URI uri, HttpRequest.BodyPublisher body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(this.requestTimeout).method(method, body);
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		cookieHeader(uri).ifPresent((value) -> request.header("Cookie", value));
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			response.headers().allValues("set-cookie").forEach(this::store);
			Exchange exchange = new Exchange(method, uri, response.statusCode(), response.headers().map(),
					response.body());
			synchronized (this.transcript) {
				this.transcript.add(exchange);
			}
			return exchange;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(method + " " + uri + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Follows redirects from {@code exchange} with GETs until a non-redirect answer or
	 * {@code stopAt} is reached.
	 */
	public Exchange follow(Exchange exchange, String stopAtPrefix) {
		Exchange current = exchange;
		for (int i = 0; i < MAX_REDIRECTS && current.isRedirect(); i++) {
			URI next = current.location();
			if (stopAtPrefix != null && next.toString().startsWith(stopAtPrefix)) {
				return current;
			}
			current = get(next);
		}
		return current;
	}

	public Exchange follow(Exchange exchange) {
		return follow(exchange, null);
	}

	/**
	 * Submits the first form of an HTML page with its hidden fields plus {@code fields}.
	 */
	public Exchange submitForm(Exchange page, Map<String, String> fields) {
		HtmlForm form = HtmlForm.first(page.body());
		Map<String, String> values = new LinkedHashMap<>(form.hiddenFields());
		values.putAll(fields);
		return send(form.method(), page.uri().resolve(form.action()),
				HttpRequest.BodyPublishers.ofString(formBody(values)), "Content-Type",
				"application/x-www-form-urlencoded");
	}

	/**
	 * {@code application/x-www-form-urlencoded} body of the given fields, in their order.
	 */
	public static String formBody(Map<String, String> fields) {
		return fields.entrySet()
			.stream()
			.map((e) -> encode(e.getKey()) + "=" + encode(e.getValue()))
			.collect(Collectors.joining("&"));
	}

	public Optional<String> cookie(String name) {
		synchronized (this.cookies) {
			return Optional.ofNullable(this.cookies.get(name)).map(Cookie::value);
		}
	}

	public void setCookie(String name, String value) {
		synchronized (this.cookies) {
			this.cookies.put(name, new Cookie(name, value, "/"));
		}
	}

	public List<Exchange> transcript() {
		synchronized (this.transcript) {
			return List.copyOf(this.transcript);
		}
	}

	private Optional<String> cookieHeader(URI uri) {
		String path = (uri.getPath() == null || uri.getPath().isEmpty()) ? "/" : uri.getPath();
		synchronized (this.cookies) {
			String header = this.cookies.values()
				.stream()
				.filter((c) -> path.startsWith(c.path()))
				.map((c) -> c.name() + "=" + c.value())
				.collect(Collectors.joining("; "));
			return header.isEmpty() ? Optional.empty() : Optional.of(header);
		}
	}

	private void store(String setCookie) {
		String[] parts = setCookie.split(";");
		int eq = parts[0].indexOf('=');
		String name = parts[0].substring(0, eq).trim();
		String value = parts[0].substring(eq + 1).trim();
		String path = "/";
		boolean expired = value.isEmpty();
		for (int i = 1; i < parts.length; i++) {
			String attribute = parts[i].trim().toLowerCase();
			if (attribute.startsWith("path=")) {
				path = parts[i].trim().substring(5);
			}
			if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970")) {
				expired = true;
			}
		}
		synchronized (this.cookies) {
			if (expired) {
				this.cookies.remove(name);
			}
			else {
				this.cookies.put(name, new Cookie(name, value, path));
			}
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private record Cookie(String name, String value, String path) {
	}

}
