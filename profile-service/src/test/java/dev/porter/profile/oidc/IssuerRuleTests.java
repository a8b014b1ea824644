package dev.porter.profile.oidc;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import dev.porter.profile.testsupport.MutableClock;
import dev.porter.profile.testsupport.TestJwts;

import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.web.reactive.function.client.WebClient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issuer rule both services share ({@code dev.porter.common.Issuers}): discovery may
 * state the configured issuer with or without one trailing slash, and tokens must then
 * carry the issuer exactly as discovery states it. Auth0 states
 * {@code https://tenant.auth0.com/}; people configure {@code https://tenant.auth0.com}.
 * Without discovery (both endpoints overridden) nothing states it, and tokens may carry
 * the configured issuer with or without one trailing slash.
 */
class IssuerRuleTests {

	private final WireMockServer idp = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

	private final MutableClock clock = new MutableClock();

	@BeforeEach
	void start() {
		this.idp.start();
		this.idp.stubFor(get(urlEqualTo("/.well-known/jwks.json")).willReturn(okJson(TestJwts.jwks())));
	}

	@AfterEach
	void stop() {
		this.idp.stop();
	}

	@Test
	void decodeWhenIssuerConfiguredWithoutTheSlashAuth0StatesThenItsTokensAreAccepted() {
		String stated = base() + "/";
		discoveryStates(stated);

		StepVerifier.create(decoder(base()).decode(TestJwts.mint(stated, "auth0|a")))
			.assertNext((jwt) -> assertThat(jwt.getIssuer()).hasToString(stated))
			.verifyComplete();
	}

	@Test
	void decodeWhenIssuerConfiguredWithASlashKeycloakDoesNotStateThenItsTokensAreAccepted() {
		String stated = base() + "/realms/porter";
		discoveryStates(stated);

		StepVerifier.create(decoder(stated + "/").decode(TestJwts.mint(stated, "kc-user")))
			.expectNextCount(1)
			.verifyComplete();
	}

	@Test
	void decodeWhenTokenCarriesTheConfiguredSpellingInsteadOfTheStatedIssuerThenRejected() {
		discoveryStates(base() + "/");

		StepVerifier.create(decoder(base()).decode(TestJwts.mint(base(), "auth0|a")))
			.expectError(JwtValidationException.class)
			.verify();
	}

	@Test
	void decodeWhenDiscoveryStatesAnotherIssuerThenRefusedAsIdentityProviderFailure() {
		discoveryStates(base() + "/other/");

		StepVerifier.create(decoder(base()).decode(TestJwts.mint(base() + "/", "auth0|a")))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(JwtException.class)
				.isNotInstanceOf(JwtValidationException.class))
			.verify();
	}

	// Both endpoints given (docker compose): nothing states the issuer, and the
	// configured one was required exactly, so OIDC_ISSUER_URI=https://kc/realms/R/
	// refused every token of a realm whose iss is https://kc/realms/R, while the
	// gateway, checking discovery with Issuers.same, signed the user in. Auth0's issuer
	// ends with a slash, Keycloak's does not, and operators copy either form: the
	// configured issuer is accepted with or without one trailing slash, nothing looser.
	@ParameterizedTest
	@ValueSource(strings = { "/realms/porter", "/realms/porter/" })
	void decodeWhenEveryEndpointIsOverriddenThenNoDiscoveryAndTheConfiguredIssuerWithOrWithoutOneSlash(
			String configuredPath) {
		String realm = base() + "/realms/porter";
		LazyJwtDecoder decoder = splitHorizonDecoder(base() + configuredPath);

		for (String accepted : new String[] { realm, realm + "/" }) {
			StepVerifier.create(decoder.decode(TestJwts.mint(accepted, "kc-user")))
				.as(accepted)
				.expectNextCount(1)
				.verifyComplete();
		}
		for (String refused : new String[] { realm + "//", realm + "x", base() + "/realms", realm.toUpperCase() }) {
			StepVerifier.create(decoder.decode(TestJwts.mint(refused, "kc-user")))
				.as(refused)
				.expectError(JwtValidationException.class)
				.verify();
		}
		this.idp.verify(0, getRequestedFor(urlEqualTo("/realms/porter/.well-known/openid-configuration")));
		this.idp.verify(0, getRequestedFor(urlEqualTo("/.well-known/openid-configuration")));
	}

	@Test
	void decodeWhenManyTokensArriveBeforeDiscoveryThenOneDiscoveryRequestAndItIsRemembered() {
		String stated = base() + "/";
		discoveryStates(stated);
		LazyJwtDecoder decoder = decoder(base());

		StepVerifier.create(Flux.range(0, 20).flatMap((i) -> decoder.decode(TestJwts.mint(stated, "auth0|" + i))))
			.expectNextCount(20)
			.verifyComplete();
		StepVerifier.create(decoder.decode(TestJwts.mint(stated, "auth0|late"))).expectNextCount(1).verifyComplete();

		this.idp.verify(1, getRequestedFor(urlEqualTo("/.well-known/openid-configuration")));
	}

	@Test
	void decodeWhenDiscoveryFailedOnceThenTheNextTokenFetchesItAgain() {
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(serverError()));
		LazyJwtDecoder decoder = decoder(base());
		String token = TestJwts.mint(base() + "/", "auth0|a");
		StepVerifier.create(decoder.decode(token)).expectError(JwtException.class).verify();

		discoveryStates(base() + "/");

		StepVerifier.create(decoder.decode(token)).expectNextCount(1).verifyComplete();
	}

	private String base() {
		return "http://127.0.0.1:" + this.idp.port();
	}

	/** Discovery served where the configured issuer points, JWKS beside it. */
	private void discoveryStates(String issuer) {
		String document = """
				{"issuer": "%s", "jwks_uri": "%s/.well-known/jwks.json", "userinfo_endpoint": "%s/userinfo"}
				""".formatted(issuer, base(), base());
		this.idp.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(okJson(document)));
		this.idp
			.stubFor(get(urlEqualTo("/realms/porter/.well-known/openid-configuration")).willReturn(okJson(document)));
	}

	private LazyJwtDecoder splitHorizonDecoder(String configuredIssuer) {
		OidcProperties properties = new OidcProperties(configuredIssuer, TestJwts.AUDIENCE,
				base() + "/.well-known/jwks.json", base() + "/userinfo", Duration.ofSeconds(60), "sub");
		WebClient webClient = WebClient.builder().build();
		return new LazyJwtDecoder(properties, new OidcEndpoints(properties, webClient, this.clock), webClient,
				this.clock, Schedulers.parallel());
	}

	private LazyJwtDecoder decoder(String configuredIssuer) {
		OidcProperties properties = new OidcProperties(configuredIssuer, TestJwts.AUDIENCE, null, null,
				Duration.ofSeconds(60), "sub");
		WebClient webClient = WebClient.builder().build();
		return new LazyJwtDecoder(properties, new OidcEndpoints(properties, webClient, this.clock), webClient,
				this.clock, Schedulers.parallel());
	}

}
