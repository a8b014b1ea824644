package dev.porter.gateway.support;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porter.testsupport.Eventually;
import dev.porter.testsupport.HeldAnswer;
import dev.porter.testsupport.HeldAnswers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock stand-in for Auth0's endpoints (discovery, JWKS, token, userinfo,
 * revocation), signing ID and logout tokens with a test RSA key it serves as JWKS. One
 * per JVM, so every test context sees the same issuer.
 */
public final class TestIdp {

	public static final String CLIENT_ID = "porter-gateway";

	public static final String CLIENT_SECRET = "test-secret";

	private static final TestIdp INSTANCE = new TestIdp();

	private final HeldAnswers held = new HeldAnswers();

	private final WireMockServer server;

	private final RSAKey key;

	private final RSAKey otherKey;

	/** An elliptic-curve key the JWKS also serves, as a realm signing with ES256 has. */
	private final ECKey ecKey = generateEc();

	private TestIdp() {
		this.server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").extensions(this.held));
		this.server.start();
		this.key = generate("test-key");
		this.otherKey = generate("test-key");
		stubDiscovery();
	}

	public static TestIdp instance() {
		return INSTANCE;
	}

	public WireMockServer server() {
		return this.server;
	}

	/** Waits until the token endpoint got a refresh with {@code refreshToken}. */
	public void awaitRefreshWith(String refreshToken) {
		awaitPost("the refresh sent to the IdP", "/oauth/token", "refresh_token=" + refreshToken);
	}

	/** Waits until the revocation endpoint got {@code token}. */
	public void awaitRevocationOf(String token) {
		awaitPost("the refresh token revoked", "/oauth/revoke", "token=" + token);
	}

	/**
	 * Asserts that the token endpoint got exactly {@code times} refreshes, of any token.
	 */
	public void verifyRefreshes(int times) {
		this.server.verify(times, postRequestedFor(urlPathEqualTo("/oauth/token"))
			.withRequestBody(containing("grant_type=refresh_token")));
	}

	/**
	 * Asserts that the token endpoint got exactly {@code times} refreshes with
	 * {@code refreshToken}.
	 */
	public void verifyRefreshes(int times, String refreshToken) {
		this.server.verify(times, postRequestedFor(urlPathEqualTo("/oauth/token"))
			.withRequestBody(containing("refresh_token=" + refreshToken)));
	}

	/** Asserts that {@code token}'s revocation was asked for exactly {@code times}. */
	public void verifyRevocations(int times, String token) {
		this.server.verify(times,
				postRequestedFor(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + token)));
	}

	private void awaitPost(String what, String path, String bodyPart) {
		Eventually.await(what, Duration.ofSeconds(10),
				() -> !this.server.findAll(postRequestedFor(urlPathEqualTo(path)).withRequestBody(containing(bodyPart)))
					.isEmpty());
	}

	/**
	 * Holds the answer to the next login's code exchange until the test releases it: the
	 * IdP has issued the ID token (and its {@code sid}) by then, the gateway has not got
	 * it yet.
	 */
	public HeldAnswer holdCodeExchange() {
		return this.held.add("/oauth/token", "grant_type=authorization_code");
	}

	/**
	 * Holds the answer to the refresh with {@code refreshToken} until the test releases
	 * it.
	 */
	public HeldAnswer holdRefreshWith(String refreshToken) {
		return this.held.add("/oauth/token", "refresh_token=" + refreshToken);
	}

	/** Releases every answer held, and forgets the holds not reached yet. */
	public void releaseAllHolds() {
		this.held.releaseAll();
	}

	/** Holds the answer to the revocation of {@code token} until the test releases it. */
	public HeldAnswer holdRevocationOf(String token) {
		return this.held.add("/oauth/revoke", "token=" + token);
	}

	/**
	 * Answers the refresh of {@code refreshToken} after {@code delay}, rotating it to
	 * {@code rotated}.
	 */
	public void stubSlowRefresh(String refreshToken, String rotated, Duration delay) {
		this.server.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=refresh_token"))
			.withRequestBody(containing("refresh_token=" + refreshToken))
			.willReturn(okJson(json(Map.of("access_token", "at-" + rotated, "refresh_token", rotated, "token_type",
					"Bearer", "expires_in", 3600)))
				.withFixedDelay((int) delay.toMillis())));
	}

	/**
	 * Answers the refresh of {@code refreshToken} with {@code accessToken}, rotating the
	 * refresh token to a new one.
	 */
	public void stubRefresh(String refreshToken, String accessToken) {
		this.server
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("refresh_token=" + refreshToken))
				.willReturn(okJson(json(Map.of("access_token", accessToken, "refresh_token", "rt-" + UUID.randomUUID(),
						"token_type", "Bearer", "expires_in", 3600)))));
	}

	/**
	 * Refuses the refresh of {@code refreshToken} as an IdP does: {@code status}, with
	 * OAuth's {@code error} and the description {@code refused}.
	 */
	public void stubRefreshRefused(String refreshToken, int status, String error) {
		stubRefreshRefused(refreshToken, status, error, "refused");
	}

	/**
	 * Refuses the refresh of {@code refreshToken}: {@code status}, with OAuth's
	 * {@code error} and {@code description}.
	 */
	public void stubRefreshRefused(String refreshToken, int status, String error, String description) {
		this.server
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("refresh_token=" + refreshToken))
				.willReturn(aResponse().withStatus(status)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}")));
	}

	/** Answers the revocation of {@code token} after {@code delay}. */
	public void stubSlowRevocation(String token, Duration delay) {
		this.server.stubFor(post(urlPathEqualTo("/oauth/revoke")).withRequestBody(containing("token=" + token))
			.willReturn(aResponse().withStatus(200).withFixedDelay((int) delay.toMillis())));
	}

	public String issuer() {
		return "http://localhost:" + this.server.port() + "/";
	}

	/** Re-applies the standing stubs after a test reset WireMock. */
	public void stubDiscovery() {
		String issuer = issuer();
		this.server
			.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration")).willReturn(okJson(json(Map.of("issuer",
					issuer, "authorization_endpoint", issuer + "authorize", "token_endpoint", issuer + "oauth/token",
					"userinfo_endpoint", issuer + "userinfo", "jwks_uri", issuer + ".well-known/jwks.json",
					"revocation_endpoint", issuer + "oauth/revoke", "end_session_endpoint", issuer + "oidc/logout",
					"code_challenge_methods_supported", List.of("S256"))))));
		this.server.stubFor(get(urlPathEqualTo("/.well-known/jwks.json"))
			.willReturn(okJson(new JWKSet(List.of(this.key.toPublicJWK(), this.ecKey.toPublicJWK())).toString())));
		this.server.stubFor(post(urlPathEqualTo("/oauth/revoke")).willReturn(aResponse().withStatus(200)));
	}

	/**
	 * Answers the code exchange of the next login with tokens for {@code sub} carrying
	 * the request's nonce.
	 */
	public Tokens stubCodeExchange(String nonce, String sub, String sid, long expiresIn) {
		return stubCodeExchange(containing("grant_type=authorization_code"), nonce, sub, sid, expiresIn,
				UnaryOperator.identity());
	}

	/**
	 * Answers the exchange of {@code code} like {@link #stubCodeExchange}, but only after
	 * {@code delay}: an IdP that hangs.
	 */
	public Tokens stubSlowCodeExchange(String code, String nonce, String sub, Duration delay) {
		return stubCodeExchange(containing("code=" + code), nonce, sub, "sid-" + UUID.randomUUID(), 3600,
				(answer) -> answer.withFixedDelay((int) delay.toMillis()));
	}

	/**
	 * Answers the exchange of {@code code} like {@link #stubCodeExchange}, a few bytes at
	 * a time over {@code over} ({@link #trickled}): an IdP, or a proxy in front of it,
	 * that trickles its answer.
	 */
	public Tokens stubTrickledCodeExchange(String code, String nonce, String sub, Duration over) {
		return stubCodeExchange(containing("code=" + code), nonce, sub, "sid-" + UUID.randomUUID(), 3600,
				(answer) -> trickled(answer, over));
	}

	/**
	 * {@code answer} sent a piece every half second over {@code over}: each read comes
	 * well within the IdP client's response timeout, which bounds the gap between reads,
	 * the whole answer long after it.
	 */
	public static ResponseDefinitionBuilder trickled(ResponseDefinitionBuilder answer, Duration over) {
		return answer.withChunkedDribbleDelay((int) (over.toMillis() / 500), (int) over.toMillis());
	}

	/**
	 * Answers the code exchange of the next login like {@link #stubCodeExchange}, with an
	 * ID token that leaves out {@code claims}: a thin ID token, as some IdPs issue (Okta,
	 * or Keycloak for a user without a picture).
	 */
	public Tokens stubCodeExchangeWithIdTokenLacking(String nonce, String sub, String... claims) {
		String sid = "sid-" + UUID.randomUUID();
		JWTClaimsSet.Builder idToken = idTokenClaims(sub, sid).claim("nonce", nonce);
		for (String claim : claims) {
			// A null value leaves the claim out.
			idToken.claim(claim, null);
		}
		return stubCodeExchange(containing("grant_type=authorization_code"), idToken, sid, 3600,
				UnaryOperator.identity());
	}

	/**
	 * Answers the code exchange of the next login like {@link #stubCodeExchange}, with an
	 * ID token whose claims {@code idTokenClaims} changes (another {@code aud}, another
	 * {@code iss}, a past {@code exp}, ...).
	 */
	public Tokens stubCodeExchangeWithIdToken(String nonce, String sub, Consumer<JWTClaimsSet.Builder> idTokenClaims) {
		String sid = "sid-" + UUID.randomUUID();
		JWTClaimsSet.Builder idToken = idTokenClaims(sub, sid).claim("nonce", nonce);
		idTokenClaims.accept(idToken);
		return stubCodeExchange(containing("grant_type=authorization_code"), idToken, sid, 3600,
				UnaryOperator.identity());
	}

	/** Answers {@code /userinfo} for {@code accessToken} only after {@code delay}. */
	public void stubSlowUserinfo(String accessToken, Duration delay) {
		stubUserinfo(accessToken, okJson(json(Map.of("sub", "auth0|alice"))).withFixedDelay((int) delay.toMillis()));
	}

	/** Answers {@code /userinfo} for {@code accessToken} with {@code answer}. */
	public void stubUserinfo(String accessToken, ResponseDefinitionBuilder answer) {
		this.server
			.stubFor(get(urlPathEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + accessToken))
				.willReturn(answer));
	}

	private Tokens stubCodeExchange(StringValuePattern body, String nonce, String sub, String sid, long expiresIn,
			UnaryOperator<ResponseDefinitionBuilder> shape) {
		return stubCodeExchange(body, idTokenClaims(sub, sid).claim("nonce", nonce), sid, expiresIn, shape);
	}

	/**
	 * Stubs the code exchange, its answer shaped by {@code shape} (delayed, trickled).
	 */
	private Tokens stubCodeExchange(StringValuePattern body, JWTClaimsSet.Builder idTokenClaims, String sid,
			long expiresIn, UnaryOperator<ResponseDefinitionBuilder> shape) {
		JWTClaimsSet claims = idTokenClaims.build();
		String sub = claims.getSubject();
		String idToken = sign(this.key, claims);
		Tokens tokens = new Tokens("at-" + UUID.randomUUID(), "rt-" + UUID.randomUUID(), sid, idToken);
		Map<String, Object> answer = new LinkedHashMap<>(
				Map.of("access_token", tokens.accessToken(), "refresh_token", tokens.refreshToken(), "id_token",
						idToken, "token_type", "Bearer", "scope", "openid profile email offline_access"));
		// RFC 6749 5.1: expires_in is RECOMMENDED, not required; 0 or less leaves it out
		if (expiresIn > 0) {
			answer.put("expires_in", expiresIn);
		}
		this.server.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(body)
			.willReturn(shape.apply(okJson(json(answer)))));
		this.server.stubFor(get(urlPathEqualTo("/userinfo")).willReturn(okJson(json(Map.of("sub", sub, "name",
				"Alice Example", "email", "alice@example.com", "picture", "https://example.com/alice.png")))));
		return tokens;
	}

	/**
	 * Answers the code exchange of the next login like {@link #stubCodeExchange}, with
	 * the ID token signed with ES256 by the served elliptic-curve key.
	 */
	public Tokens stubCodeExchangeSignedWithEs256(String nonce, String sub) {
		String sid = "sid-" + UUID.randomUUID();
		String idToken = signEs256(idTokenClaims(sub, sid).claim("nonce", nonce).build());
		Tokens tokens = new Tokens("at-" + UUID.randomUUID(), "rt-" + UUID.randomUUID(), sid, idToken);
		this.server
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson(json(Map.of("access_token", tokens.accessToken(), "refresh_token",
						tokens.refreshToken(), "id_token", idToken, "token_type", "Bearer", "expires_in", 3600)))));
		return tokens;
	}

	/** A logout token signed with ES256 by the served elliptic-curve key. */
	public String logoutTokenSignedWithEs256(Map<String, Object> overrides) {
		return signEs256(logoutClaims(overrides));
	}

	public String logoutToken(Map<String, Object> overrides) {
		return sign(this.key, logoutClaims(overrides));
	}

	/**
	 * Signed with the key the JWKS serves, with header {@code typ} set to {@code type}.
	 */
	public String logoutTokenOfType(String type, Map<String, Object> overrides) {
		return sign(this.key, new JOSEObjectType(type), logoutClaims(overrides));
	}

	/**
	 * Signed with a key whose {@code kid} the JWKS does not list: each is a reason for a
	 * naive decoder to fetch the JWKS again.
	 */
	public String logoutTokenWithUnknownKid(Map<String, Object> overrides) {
		return sign(unpublishedKey("unknown-"), logoutClaims(overrides));
	}

	/**
	 * Answers the code exchange of the next login with an ID token signed by a new key (a
	 * rotation the gateway has not seen), so that its signature check needs the JWKS.
	 */
	public Tokens stubCodeExchangeWithRotatedKey(String nonce, String sub) {
		return stubCodeExchangeSignedWith(unpublishedKey("rotated-"), nonce, sub);
	}

	/**
	 * A signing key under a kid never seen before, which the JWKS lists only once
	 * {@link #publish(RSAKey) published}: a key the IdP rotates in.
	 */
	public RSAKey newKey() {
		return unpublishedKey("rotated-");
	}

	/**
	 * Lists {@code key} in the JWKS besides the standing keys, as an IdP that rotated it
	 * in does, until the next {@link #stubDiscovery()} (each test's start).
	 */
	public void publish(RSAKey key) {
		this.server.stubFor(get(urlPathEqualTo("/.well-known/jwks.json")).willReturn(okJson(
				new JWKSet(List.of(this.key.toPublicJWK(), this.ecKey.toPublicJWK(), key.toPublicJWK())).toString())));
	}

	/**
	 * Like {@link #publish(RSAKey)}, the JWKS sent a few bytes at a time over
	 * {@code over} ({@link #trickled}).
	 */
	public void publishTrickled(RSAKey key, Duration over) {
		this.server.stubFor(get(urlPathEqualTo("/.well-known/jwks.json")).willReturn(trickled(okJson(
				new JWKSet(List.of(this.key.toPublicJWK(), this.ecKey.toPublicJWK(), key.toPublicJWK())).toString()),
				over)));
	}

	/**
	 * Answers the code exchange of the next login like {@link #stubCodeExchange}, with
	 * the ID token signed by {@code key}.
	 */
	public Tokens stubCodeExchangeSignedWith(RSAKey key, String nonce, String sub) {
		String sid = "sid-" + UUID.randomUUID();
		String idToken = sign(key, idTokenClaims(sub, sid).claim("nonce", nonce).build());
		Tokens tokens = new Tokens("at-" + UUID.randomUUID(), "rt-" + UUID.randomUUID(), sid, idToken);
		this.server
			.stubFor(post(urlPathEqualTo("/oauth/token")).withRequestBody(containing("grant_type=authorization_code"))
				.willReturn(okJson(json(Map.of("access_token", tokens.accessToken(), "refresh_token",
						tokens.refreshToken(), "id_token", idToken, "token_type", "Bearer", "expires_in", 3600)))));
		return tokens;
	}

	public String logoutTokenSignedWith(RSAKey key, Map<String, Object> overrides) {
		return sign(key, logoutClaims(overrides));
	}

	/** Same kid, different key: the signature cannot verify against the served JWKS. */
	public String logoutTokenWithForeignKey(Map<String, Object> overrides) {
		return sign(this.otherKey, logoutClaims(overrides));
	}

	/**
	 * An ID token for {@code sub} signed with the served key, without a nonce: what an
	 * IdP that renews the ID token returns on a refresh (OIDC Core 12.2).
	 */
	public String idToken(String sub, String sid) {
		return sign(this.key, idTokenClaims(sub, sid).build());
	}

	/**
	 * Like {@link #idToken(String, String)}, with the claims {@code customizer} changes:
	 * a renewed ID token that is not for this client, or not from this issuer.
	 */
	public String idToken(String sub, String sid, Consumer<JWTClaimsSet.Builder> customizer) {
		JWTClaimsSet.Builder claims = idTokenClaims(sub, sid);
		customizer.accept(claims);
		return sign(this.key, claims.build());
	}

	private JWTClaimsSet logoutClaims(Map<String, Object> overrides) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer())
			.audience(CLIENT_ID)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(120)))
			.jwtID(UUID.randomUUID().toString())
			.claim("events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of()));
		// A null value removes the claim (e.g. a token without jti).
		overrides.forEach(claims::claim);
		return claims.build();
	}

	private JWTClaimsSet.Builder idTokenClaims(String sub, String sid) {
		return new JWTClaimsSet.Builder().issuer(issuer())
			.subject(sub)
			.audience(CLIENT_ID)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(3600)))
			.claim("sid", sid)
			.claim("name", "Alice Example")
			.claim("email", "alice@example.com")
			.claim("picture", "https://example.com/alice.png");
	}

	private static String sign(RSAKey key, JWTClaimsSet claims) {
		return sign(key, null, claims);
	}

	private static String sign(RSAKey key, JOSEObjectType type, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String signEs256(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(this.ecKey.getKeyID()).build(), claims);
			jwt.sign(new ECDSASigner(this.ecKey));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ECKey generateEc() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID("test-ec-key").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A key under a kid never seen before, with key material the JWKS never publishes: a
	 * new kid of the spare key, because generating an RSA key per token costs the suite
	 * seconds on a busy machine.
	 */
	private RSAKey unpublishedKey(String kidPrefix) {
		return new RSAKey.Builder(this.otherKey).keyID(kidPrefix + UUID.randomUUID()).build();
	}

	private static RSAKey generate(String kid) {
		try {
			return new RSAKeyGenerator(2048).keyID(kid).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String json(Object value) {
		return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(value);
	}

	/** What the IdP handed out at one login. */
	public record Tokens(String accessToken, String refreshToken, String sid, String idToken) {
	}

}
