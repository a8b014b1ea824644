package dev.porter.profile.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token the IdP signed, refused because its {@code aud} or {@code iss} is not what this
 * service is configured for: every {@code /me} answered 401 and neither service logged a
 * word, though the cause is a setting (an {@code API_AUDIENCE} with a trailing slash in
 * one service only, a Keycloak realm without the audience mapper, an Auth0 custom domain
 * on one side only). Tokens anyone can send (forged, unsigned) and expired ones stay
 * silent.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenForOtherSettingsLogTests {

	private static final Duration A_MINUTE = Duration.ofMinutes(1);

	private static final String SUB = "auth0|alice-secret-sub";

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MutableClock clock = new MutableClock();

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks())));
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void decodeWhenSignedTokensAreForAnotherAudienceThenOneWarningAMinuteNamingApiAudience(CapturedOutput output) {
		LazyJwtDecoder decoder = splitHorizonDecoder(issuer());
		String token = TestJwts.mint(issuer(), SUB, (claims) -> claims.audience(TestJwts.AUDIENCE + "/"));

		for (int i = 0; i < 5; i++) {
			expectRefused(decoder, token);
		}

		assertThat(lines(output, "API_AUDIENCE")).singleElement()
			.asString()
			.contains("WARN", TestJwts.AUDIENCE, "[" + TestJwts.AUDIENCE + "/]")
			.doesNotContain(token, SUB);

		this.clock.advance(A_MINUTE);
		expectRefused(decoder, token);
		assertThat(lines(output, "API_AUDIENCE")).hasSize(2).last().asString().contains("5 since the last report");
	}

	// Keycloak without an audience mapper: aud is "account" or absent.
	@Test
	void decodeWhenSignedTokenHasNoAudienceThenTheWarningSaysSo(CapturedOutput output) {
		expectRefused(splitHorizonDecoder(issuer()),
				TestJwts.mint(issuer(), SUB, (claims) -> claims.audience((List<String>) null)));

		assertThat(lines(output, "API_AUDIENCE")).singleElement()
			.asString()
			.contains("WARN", "its aud (none) does not contain API_AUDIENCE");
	}

	@Test
	void decodeWhenSignedTokensNameAnotherIssuerThenOneWarningAMinuteNamingOidcIssuerUri(CapturedOutput output) {
		LazyJwtDecoder decoder = splitHorizonDecoder(issuer());
		String token = TestJwts.mint("https://login.example.com/", SUB);

		for (int i = 0; i < 3; i++) {
			expectRefused(decoder, token);
		}

		assertThat(lines(output, "OIDC_ISSUER_URI")).singleElement()
			.asString()
			.contains("WARN", issuer(), "https://login.example.com/")
			.doesNotContain(token, SUB);

		this.clock.advance(A_MINUTE);
		expectRefused(decoder, token);
		assertThat(lines(output, "OIDC_ISSUER_URI")).hasSize(2).last().asString().contains("3 since the last report");
	}

	// An Auth0 custom domain in one service, the tenant's domain in the other: discovery
	// states one issuer, the tokens carry the other, both signed with the tenant's keys.
	@Test
	void decodeWhenSignedTokenNamesAnotherIssuerThanDiscoveryStatesThenTheWarningNamesOidcIssuerUri(
			CapturedOutput output) {
		String stated = issuer() + "/";
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
			.willReturn(okJson("{\"issuer\":\"" + stated + "\",\"jwks_uri\":\"" + issuer() + "/jwks\"}")));
		OidcProperties properties = new OidcProperties(issuer(), TestJwts.AUDIENCE, null, null, Duration.ofSeconds(60),
				"sub");

		expectRefused(decoder(properties), TestJwts.mint("https://login.example.com/", SUB));

		assertThat(lines(output, "OIDC_ISSUER_URI")).singleElement()
			.asString()
			.contains("WARN", stated, "https://login.example.com/");
	}

	@Test
	void decodeWhenBothSettingsAreWrongInTurnThenEachHasItsWarningWithinTheMinute(CapturedOutput output) {
		LazyJwtDecoder decoder = splitHorizonDecoder(issuer());

		expectRefused(decoder, TestJwts.mint(issuer(), SUB, (claims) -> claims.audience("https://other.example/")));
		expectRefused(decoder, TestJwts.mint("https://login.example.com/", SUB));

		assertThat(lines(output, "API_AUDIENCE")).hasSize(1);
		assertThat(lines(output, "OIDC_ISSUER_URI")).hasSize(1);
	}

	// OIDC_USER_CLAIM=uid (Okta) where the IdP's tokens carry no uid: the same silent
	// 401 on every /me.
	@Test
	void decodeWhenSignedTokensLackTheUserClaimThenOneWarningAMinuteNamingOidcUserClaim(CapturedOutput output) {
		LazyJwtDecoder decoder = decoder(new OidcProperties(issuer(), TestJwts.AUDIENCE, issuer() + "/jwks",
				issuer() + "/userinfo", Duration.ofSeconds(60), "uid"));
		String token = TestJwts.mint(issuer(), SUB);

		expectRefused(decoder, token);
		expectRefused(decoder, token);

		assertThat(lines(output, "OIDC_USER_CLAIM")).singleElement()
			.asString()
			.contains("WARN", "uid")
			.doesNotContain(token, SUB);
	}

	@Test
	void decodeWhenTheTokenIsForgedUnsignedOrExpiredThenNothingIsLogged(CapturedOutput output) {
		LazyJwtDecoder decoder = splitHorizonDecoder(issuer());
		Instant now = this.clock.instant();
		String other = "https://login.example.com/";

		expectRefused(decoder, TestJwts.mintWithForeignKey(other, SUB, (claims) -> claims.audience("https://x/")));
		expectRefused(decoder, TestJwts.mintUnsigned(other, SUB, (claims) -> claims.audience("https://x/")));
		expectRefused(decoder, TestJwts.mint(issuer(), SUB,
				(claims) -> claims.audience("https://x/").expirationTime(Date.from(now.minus(Duration.ofHours(1))))));
		expectRefused(decoder, TestJwts.mint(other, SUB,
				(claims) -> claims.expirationTime(Date.from(now.minus(Duration.ofHours(1))))));

		assertThat(output.getOut()).doesNotContain("API_AUDIENCE").doesNotContain("OIDC_ISSUER_URI");
	}

	private static void expectRefused(LazyJwtDecoder decoder, String token) {
		StepVerifier.create(decoder.decode(token)).expectError(JwtException.class).verify(Duration.ofSeconds(5));
	}

	private static List<String> lines(CapturedOutput output, String setting) {
		return output.getOut().lines().filter((line) -> line.contains(setting)).toList();
	}

	private String issuer() {
		return "http://127.0.0.1:" + this.idp.port();
	}

	/** Both endpoints given (docker compose): no discovery, the issuer as configured. */
	private LazyJwtDecoder splitHorizonDecoder(String issuer) {
		return decoder(new OidcProperties(issuer, TestJwts.AUDIENCE, issuer() + "/jwks", issuer() + "/userinfo",
				Duration.ofSeconds(60), "sub"));
	}

	private LazyJwtDecoder decoder(OidcProperties properties) {
		WebClient webClient = WebClient.builder().build();
		return new LazyJwtDecoder(properties, new OidcEndpoints(properties, webClient, this.clock), webClient,
				this.clock, Schedulers.parallel());
	}

}
