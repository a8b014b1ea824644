package dev.porter.devidp.userinfo;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.users.UserStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

import static org.assertj.core.api.Assertions.assertThat;

class UserInfoTests extends DevIdpServerTestSupport {

	private static final String BOB_ID = "google-oauth2|103547991597142817347";

	private final TestLogins browser = new TestLogins(ISSUER);

	@Autowired
	private UserStore users;

	@Autowired
	private JwtEncoder encoder;

	@Test
	void userinfoWhenUserChangedThroughStoreThenLatestClaims() {
		String accessToken = signIn("bob", "openid profile email").get("access_token").asString();
		this.users.update(BOB_ID, (bob) -> bob.put("name", "Robert Builder"));
		try {
			JsonNode claims = this.browser.json(userinfo(accessToken));
			assertThat(claims.get("name").asString()).isEqualTo("Robert Builder");
			assertThat(claims.get("sub").asString()).isEqualTo(BOB_ID);
		}
		finally {
			this.users.update(BOB_ID, (bob) -> bob.put("name", "Bob Builder"));
		}
	}

	@Test
	void userinfoWhenARefreshReplacedTheTokenThenItStillAnswersUntilItsExp() {
		JsonNode tokens = signIn("bob", "openid offline_access");
		String replaced = tokens.get("access_token").asString();
		// A second later, so that the new token differs (Auth0's carry no jti).
		this.devIdpClock.shift(Duration.ofSeconds(1));
		HttpResponse<String> refreshed = this.browser.token(
				Map.of("grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asString()),
				TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET);
		assertThat(this.browser.json(refreshed).get("access_token").asString()).isNotEqualTo(replaced);

		HttpResponse<String> response = userinfo(replaced);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.browser.json(response).get("sub").asString()).isEqualTo(BOB_ID);
	}

	@Test
	void userinfoWhenOnlyOpenidGrantedThenOnlySub() {
		String accessToken = signIn("bob", "openid").get("access_token").asString();
		JsonNode claims = this.browser.json(userinfo(accessToken));
		assertThat(claims.propertyNames()).containsExactly("sub");
	}

	@Test
	void userinfoWhenNoTokenThenPlainTextUnauthorized() {
		HttpResponse<String> response = this.browser.get(ISSUER + "userinfo");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).isEqualTo("Unauthorized");
	}

	@Test
	void userinfoWhenTokenMalformedThenInvalidToken() {
		assertUnauthorized(userinfo("not-a-jwt"), "Invalid token");
	}

	@Test
	void userinfoWhenTokenExpiredThenTokenHasExpired() {
		Instant issued = Instant.now().minusSeconds(600);
		assertUnauthorized(userinfo(mint(issued, issued.plusSeconds(60))), "The token has expired");
	}

	@Test
	void userinfoWhenTokenExpiredByDevIdpClockThenTokenHasExpired() {
		String accessToken = signIn("bob", "openid").get("access_token").asString();
		this.devIdpClock.shift(ACCESS_TOKEN_TTL.plusSeconds(1));

		assertUnauthorized(userinfo(accessToken), "The token has expired");
	}

	@Test
	void userinfoWhenSignedTokenNeverIssuedThenInvalidToken() {
		Instant issued = Instant.now();
		assertUnauthorized(userinfo(mint(issued, issued.plusSeconds(60))),
				"The access token is invalid or has expired");
	}

	@Test
	void userinfoWhenClientCredentialsTokenThenUnauthorized() {
		HttpResponse<String> response = this.browser.token(Map.of("grant_type", "client_credentials", "audience",
				ISSUER + "api/v2/", "client_id", "porter-profile", "client_secret", "porter-profile-dev-secret"), null,
				null);
		HttpResponse<String> userinfo = userinfo(this.browser.json(response).get("access_token").asString());
		assertThat(userinfo.statusCode()).isEqualTo(401);
	}

	@Test
	void userinfoWhenPostedWithBearerTokenThenClaims() {
		String accessToken = signIn("bob", "openid").get("access_token").asString();
		HttpResponse<String> response = this.browser.send(HttpRequest.newBuilder(URI.create(ISSUER + "userinfo"))
			.header("Authorization", "Bearer " + accessToken)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.browser.json(response).get("sub").asString()).isEqualTo(BOB_ID);
	}

	@Test
	void userinfoWhenOnlyTheIdpSessionOfTheUserThenUnauthorized() {
		signIn("bob", "openid profile");
		assertThat(this.browser.cookie("JSESSIONID")).isNotNull();
		HttpResponse<String> response = this.browser.get(ISSUER + "userinfo");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).isEqualTo("Unauthorized");
	}

	// Auth0's /userinfo takes access tokens only: an ID token lacks its audience.
	@Test
	void userinfoWhenIdTokenThenUnauthorized() {
		String idToken = signIn("bob", "openid profile").get("id_token").asString();
		HttpResponse<String> response = userinfo(idToken);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).isEqualTo("Unauthorized");
	}

	@Test
	void userinfoWhenSignedTokenLacksUserinfoAudienceThenInvalidToken() {
		Instant issued = Instant.now();
		assertUnauthorized(userinfo(mint(issued, issued.plusSeconds(60), List.of(TestLogins.API_AUDIENCE))),
				"Invalid token");
	}

	private JsonNode signIn(String user, String scope) {
		Authorize authorize = Authorize.gateway(scope, TestLogins.API_AUDIENCE);
		return this.browser
			.json(this.browser.exchange(this.browser.login(authorize, user, user), TestLogins.GATEWAY_SECRET));
	}

	private HttpResponse<String> userinfo(String accessToken) {
		return this.browser.get(ISSUER + "userinfo", "Authorization", "Bearer " + accessToken);
	}

	private String mint(Instant issuedAt, Instant expiresAt) {
		return mint(issuedAt, expiresAt, List.of(TestLogins.API_AUDIENCE, ISSUER + "userinfo"));
	}

	private String mint(Instant issuedAt, Instant expiresAt, List<String> audience) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(ISSUER)
			.subject(BOB_ID)
			.audience(audience)
			.issuedAt(issuedAt)
			.expiresAt(expiresAt)
			.claim("scope", "openid profile")
			.build();
		return this.encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
			.getTokenValue();
	}

	private static void assertUnauthorized(HttpResponse<String> response, String description) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((contentType) -> assertThat(contentType).startsWith("text/plain"));
		assertThat(response.body()).isEqualTo("Unauthorized");
		assertThat(response.headers().firstValue("WWW-Authenticate")).contains(
				"Bearer realm=\"Users\", " + "error=\"invalid_token\", error_description=\"" + description + "\"");
	}

}
