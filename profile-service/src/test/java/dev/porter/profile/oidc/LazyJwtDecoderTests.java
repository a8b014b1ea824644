package dev.porter.profile.oidc;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;

import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** Token lifetimes are judged on the injected clock: moved, not waited for. */
class LazyJwtDecoderTests {

	private static final String ISSUER = "http://localhost/";

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MutableClock clock = new MutableClock();

	private LazyJwtDecoder decoder;

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(get(urlEqualTo("/jwks")).willReturn(okJson(TestJwts.jwks())));
		// Both endpoints given, so no discovery: the configured issuer is the one stated.
		String idp = "http://localhost:" + this.idp.port();
		OidcProperties properties = new OidcProperties(ISSUER, TestJwts.AUDIENCE, idp + "/jwks", idp + "/userinfo",
				Duration.ofSeconds(60), "sub");
		WebClient webClient = WebClient.builder().build();
		this.decoder = new LazyJwtDecoder(properties, new OidcEndpoints(properties, webClient, this.clock), webClient,
				this.clock);
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void decodeWhenClockBeforeExpiryThenAccepted() {
		StepVerifier.create(this.decoder.decode(TestJwts.mint(ISSUER, "auth0|a")))
			.expectNextMatches((jwt) -> jwt.getSubject().equals("auth0|a"))
			.verifyComplete();
	}

	@Test
	void decodeWhenClockPastExpiryAndSkewThenRejected() {
		String token = TestJwts.mint(ISSUER, "auth0|a");
		// minted for one hour; the skew is 60 s
		this.clock.advance(Duration.ofHours(1).plusSeconds(61));
		StepVerifier.create(this.decoder.decode(token)).expectError(JwtValidationException.class).verify();
	}

	@Test
	void decodeWhenClockPastExpiryWithinSkewThenAccepted() {
		String token = TestJwts.mint(ISSUER, "auth0|a");
		this.clock.advance(Duration.ofHours(1).plusSeconds(30));
		StepVerifier.create(this.decoder.decode(token)).expectNextCount(1).verifyComplete();
	}

}
