package dev.porter.devidp.backchannel;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.porter.devidp.DevIdpServerTestSupport;
import dev.porter.devidp.TestLogins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

	// A test stands in for an IdP that ended the session a moment ago, without waiting
	// for the clock to move on.
	@Test
	void logoutTokenWhenIssuedSecondsAgoThenItsIatThatFarBackAndStillValid() {
		Instant before = Instant.now();
		String token = this.client
			.json(post("{\"client_id\":\"porter-gateway\",\"sid\":\"sid-4\",\"issued_seconds_ago\":5}"))
			.get("logout_token")
			.asString();
		Instant after = Instant.now();

		Jwt jwt = issuerDecoder().decode(token);
		// iat counts whole seconds
		assertThat(jwt.getIssuedAt()).isBetween(before.minusSeconds(6), after.minusSeconds(5));
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).hasSeconds(120);
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "61" })
	void logoutTokenWhenIssuedSecondsAgoOutOfRangeThenBadRequestNamingIt(String seconds) {
		HttpResponse<String> response = post(
				"{\"client_id\":\"porter-gateway\",\"sid\":\"sid-5\",\"issued_seconds_ago\":" + seconds + "}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("issued_seconds_ago");
	}

	@Test
	void logoutTokenWhenDevIdpClockIsADayAheadThenIssuedOnIt() {
		this.devIdpClock.shift(Duration.ofDays(1));
		Instant before = this.devIdpClock.instant().truncatedTo(ChronoUnit.SECONDS);
		String token = this.client.json(post("{\"client_id\":\"porter-gateway\",\"sid\":\"sid-5\"}"))
			.get("logout_token")
			.asString();
		Instant after = this.devIdpClock.instant();

		Instant issuedAt = Instant.ofEpochSecond(this.client.payload(token).get("iat").asLong());
		assertThat(issuedAt).isBetween(before, after);
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
