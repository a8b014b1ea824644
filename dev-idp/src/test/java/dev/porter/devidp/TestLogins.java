package dev.porter.devidp;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.util.HtmlUtils;

/**
 * A scripted browser for dev-idp: one cookie jar, no automatic redirects, and the steps
 * of a login (authorize with PKCE, fill in the hosted form, collect the code, exchange
 * it). Other modules' tests can copy the pattern to sign in against a real dev-idp.
 */
public final class TestLogins {

	public static final String GATEWAY = "porter-gateway";

	public static final String GATEWAY_SECRET = "porter-gateway-dev-secret";

	public static final String GATEWAY_CALLBACK = "http://localhost:8080/login/oauth2/code/auth0";

	public static final String SPA = "porter-spa";

	public static final String SPA_CALLBACK = "http://localhost:8080/callback";

	public static final String API_AUDIENCE = "https://porter.example/api";

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private static final Pattern HIDDEN_FIELD = Pattern
		.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String issuer;

	private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

	private final HttpClient http = HttpClient.newBuilder()
		.cookieHandler(this.cookies)
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private final JsonMapper mapper = JsonMapper.builder().build();

	public TestLogins(String issuer) {
		this.issuer = issuer;
	}

	/** Signs in through the login form and returns the authorization code response. */
	public Login login(Authorize authorize, String username, String password) {
		HttpResponse<String> response = authorize(authorize);
		if (location(response).getPath().equals("/login")) {
			response = follow(submitLoginForm(username, password));
		}
		return Login.from(authorize, location(response));
	}

	/**
	 * {@code GET /authorize} as a browser sends it, with any extra headers (name, value,
	 * ...), without following the redirect.
	 */
	public HttpResponse<String> authorize(Authorize authorize, String... headers) {
		return get(this.issuer + "authorize?" + query(authorize.parameters()), headers);
	}

	/** Fetches the login form, then posts the credentials with its CSRF token. */
	public HttpResponse<String> submitLoginForm(String username, String password) {
		Matcher csrf = CSRF.matcher(get(this.issuer + "login").body());
		if (!csrf.find()) {
			throw new IllegalStateException("the login form has no CSRF token");
		}
		return postForm(this.issuer + "login",
				Map.of("username", username, "password", password, "_csrf", csrf.group(1)), null);
	}

	/** Exchanges the code at {@code /oauth/token}; a secret means HTTP basic. */
	public HttpResponse<String> exchange(Login login, @Nullable String clientSecret) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("code", login.code());
		form.put("redirect_uri", login.authorize().redirectUri());
		form.put("code_verifier", login.authorize().pkce().verifier());
		form.put("client_id", login.authorize().clientId());
		return token(form, (clientSecret != null) ? login.authorize().clientId() : null, clientSecret);
	}

	/**
	 * {@code POST /oauth/token}; with a client id and secret they go in HTTP basic, and
	 * any extra headers (name, value, ...) are sent as well.
	 */
	public HttpResponse<String> token(Map<String, String> form, @Nullable String clientId,
			@Nullable String clientSecret, String... headers) {
		String basic = (clientId != null && clientSecret != null)
				? Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8))
				: null;
		return postForm(this.issuer + "oauth/token", form, basic, headers);
	}

	public HttpResponse<String> get(String url, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html");
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request.GET().build());
	}

	public HttpResponse<String> postForm(String url, Map<String, String> form, @Nullable String basic,
			String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(query(form)));
		if (basic != null) {
			request.header("Authorization", "Basic " + basic);
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request.build());
	}

	/** {@code POST} of a JSON body, as Auth0's Java SDK sends its token requests. */
	public HttpResponse<String> postJson(String url, String json) {
		return send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json; charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The value of a cookie in this browser's jar, such as its IdP session's. */
	public @Nullable String cookie(String name) {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals(name))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElse(null);
	}

	public JsonNode json(HttpResponse<String> response) {
		return this.mapper.readTree(response.body());
	}

	/**
	 * A JWT's payload as sent, unverified: Spring's decoder turns a string {@code aud}
	 * into a list, so tests of the wire shape read it here.
	 */
	public JsonNode payload(String jwt) {
		return this.mapper
			.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
	}

	/** Follows one redirect. */
	public HttpResponse<String> follow(HttpResponse<String> redirect) {
		return get(location(redirect).toString());
	}

	public static URI location(HttpResponse<String> response) {
		String location = response.headers()
			.firstValue("Location")
			.orElseThrow(() -> new IllegalStateException("expected a redirect, got " + response.statusCode()));
		return URI.create(location);
	}

	/** The hidden fields of a page's form, unescaped, as a browser would post them. */
	public static Map<String, String> hiddenFields(HttpResponse<String> page) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher field = HIDDEN_FIELD.matcher(page.body());
		while (field.find()) {
			fields.put(HtmlUtils.htmlUnescape(field.group(1)), HtmlUtils.htmlUnescape(field.group(2)));
		}
		return fields;
	}

	public static Map<String, String> queryParameters(URI uri) {
		if (uri.getRawQuery() == null) {
			return Map.of();
		}
		return Pattern.compile("&")
			.splitAsStream(uri.getRawQuery())
			.map((pair) -> pair.split("=", 2))
			.collect(Collectors.toMap((pair) -> decode(pair[0]), (pair) -> (pair.length > 1) ? decode(pair[1]) : "",
					(first, second) -> first, LinkedHashMap::new));
	}

	private static String query(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	static String randomString() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** An RFC 7636 verifier and its S256 challenge. */
	public record Pkce(String verifier, String challenge) {

		public static Pkce create() {
			String verifier = randomString();
			try {
				byte[] digest = MessageDigest.getInstance("SHA-256")
					.digest(verifier.getBytes(StandardCharsets.US_ASCII));
				return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * The parameters of one {@code /authorize} request; {@code extra} adds or overrides.
	 */
	public record Authorize(String clientId, String redirectUri, String scope, @Nullable String audience, String state,
			String nonce, Pkce pkce, Map<String, String> extra) {

		/** The gateway's request, as Spring Security's OAuth2 client sends it. */
		public static Authorize gateway(String scope, @Nullable String audience) {
			return new Authorize(GATEWAY, GATEWAY_CALLBACK, scope, audience, randomString(), randomString(),
					Pkce.create(), Map.of());
		}

		/** The test SPA's request: a public client, with PKCE and no secret. */
		public static Authorize spa(String scope, @Nullable String audience) {
			return new Authorize(SPA, SPA_CALLBACK, scope, audience, randomString(), randomString(), Pkce.create(),
					Map.of());
		}

		public Authorize with(String name, String value) {
			Map<String, String> more = new LinkedHashMap<>(this.extra);
			more.put(name, value);
			return new Authorize(this.clientId, this.redirectUri, this.scope, this.audience, this.state, this.nonce,
					this.pkce, more);
		}

		Map<String, String> parameters() {
			Map<String, String> parameters = new LinkedHashMap<>();
			parameters.put("response_type", "code");
			parameters.put("client_id", this.clientId);
			parameters.put("redirect_uri", this.redirectUri);
			parameters.put("scope", this.scope);
			parameters.put("state", this.state);
			parameters.put("nonce", this.nonce);
			parameters.put("code_challenge", this.pkce.challenge());
			parameters.put("code_challenge_method", "S256");
			if (this.audience != null) {
				parameters.put("audience", this.audience);
			}
			parameters.putAll(this.extra);
			return parameters;
		}

	}

	/** Where the login ended: the client's redirect URI with a code (or an error). */
	public record Login(Authorize authorize, URI redirect, Map<String, String> parameters) {

		static Login from(Authorize authorize, URI redirect) {
			return new Login(authorize, redirect, queryParameters(redirect));
		}

		public String code() {
			String code = this.parameters.get("code");
			if (code == null) {
				throw new IllegalStateException("no code in " + this.redirect);
			}
			return code;
		}

	}

}
