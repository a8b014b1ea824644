package dev.porter.devidp.backchannel;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class LogoutTokenTests extends DevIdpServerTestSupport {

	private final TestLogins client = new TestLogins(ISSUER);

	@Test
	void logoutTokenWhenSidAndSubThenSignedBackChannelLogoutToken() {
		HttpResponse<String> response = post(
				"{\"client_id\":\"porter-gateway\",\"sid\":\"sid-1\",\"sub\":\"auth0|5f7c8ec7c33c6c004bbafe82\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		String token = this.client.json(response).get("logout_token").asString();

		Jwt jwt = issuerDecoder().decode(token);
		assertThat(jwt.getHeaders()).containsEntry("typ", "JWT").containsEntry("alg", "RS256").containsKey("kid");
		assertThat(jwt.getIssuer()).hasToString(ISSUER);
		assertThat(jwt.getClaimAsString("sid")).isEqualTo("sid-1");
		assertThat(jwt.getSubject()).isEqualTo("auth0|5f7c8ec7c33c6c004bbafe82");
		assertThat(jwt.getId()).isNotBlank();
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).hasSeconds(120);
		assertThat(jwt.hasClaim("nonce")).isFalse();
		assertThat(jwt.getClaimAsMap("events")).containsOnlyKeys("http://schemas.openid.net/event/backchannel-logout");

		JsonNode payload = this.client.payload(token);
		assertThat(payload.get("aud").isString()).isTrue();
		assertThat(payload.get("aud").asString()).isEqualTo("porter-gateway");
	}

	@Test
	void logoutTokenWhenOnlySidThenNoSub() {
		String token = this.client.json(post("{\"client_id\":\"porter-gateway\",\"sid\":\"sid-2\"}"))
			.get("logout_token")
			.asString();
		assertThat(issuerDecoder().decode(token).getSubject()).isNull();
	}

	@Test
	void logoutTokenWhenNeitherSidNorSubThenBadRequest() {
		assertThat(post("{\"client_id\":\"porter-gateway\"}").statusCode()).isEqualTo(400);
	}

	@Test
	void logoutTokenWhenClientUnknownThenBadRequest() {
		assertThat(post("{\"client_id\":\"nobody\",\"sid\":\"sid-3\"}").statusCode()).isEqualTo(400);
	}

	private HttpResponse<String> post(String json) {
		return this.client.send(HttpRequest.newBuilder(URI.create(ISSUER + "dev/logout-token"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

}
