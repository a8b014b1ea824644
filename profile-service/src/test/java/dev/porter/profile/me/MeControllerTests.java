package dev.porter.profile.me;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.porter.profile.config.SecurityConfiguration;
import dev.porter.profile.problem.CallerRateLimitedException;
import dev.porter.profile.problem.RequestBodyReads;

import dev.porter.profile.oidc.Callers;
import dev.porter.profile.oidc.OidcProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.mockJwt;
import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

/**
 * The web layer of {@code /me} alone: the real filter chain and problem writers, a
 * {@code mockJwt()} caller, and the services and rate limiter at the slice boundary.
 */
@WebFluxTest(controllers = MeController.class, properties = "porter.directory.kind=none")
// the slice leaves Boot's web security auto-configuration out
@EnableWebFluxSecurity
@Import({ SecurityConfiguration.class, MeControllerTests.CallersBySub.class })
class MeControllerTests {

	private static final ProfileView ALICE = new ProfileView("{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8),
			"\"alice-v1\"", "profile-service; hit");

	private WebTestClient client;

	@MockitoBean
	private MeService service;

	@MockitoBean
	private MetadataChanges changes;

	@MockitoBean
	private CallerRateLimiter limiter;

	@MockitoBean
	private ReactiveJwtDecoder decoder;

	/** Callers known by {@code sub}, as by default. */
	@TestConfiguration(proxyBeanMethods = false)
	static class CallersBySub {

		@Bean
		RequestDeadline requestDeadline() {
			return new RequestDeadline(
					new ApiProperties(50, Duration.ofSeconds(1), 5, Duration.ofSeconds(5), Duration.ofSeconds(4)),
					Clock.systemUTC(), new RequestBodyReads(Clock.systemUTC()));
		}

		@Bean
		Callers callers() {
			return new Callers(new OidcProperties("http://idp.test/", "https://porter.example/api", null, null,
					Duration.ofSeconds(60), "sub"));
		}

	}

	// bound with springSecurity() so that mockJwt() reaches the filter chain
	@BeforeEach
	void bind(@Autowired ApplicationContext context) {
		this.client = WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient().build();
	}

	@Test
	void getMeWhenAnonymousThenUnauthorizedProblem() {
		this.client.get()
			.uri("/me")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists(HttpHeaders.WWW_AUTHENTICATE);
		verifyNoInteractions(this.service);
	}

	@Test
	void getMeWhenTokenThenProfileWithETagCacheStatusAndNoStore() {
		given(this.service.profile(any())).willReturn(Mono.just(ALICE));
		this.client.mutateWith(mockJwt().jwt((jwt) -> jwt.subject("alice")))
			.get()
			.uri("/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"alice-v1\"")
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; hit")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo("alice");
	}

	@Test
	void getMeWhenIfNoneMatchNamesTheProfileThenNotModifiedWithoutBody() {
		given(this.service.profile(any())).willReturn(Mono.just(ALICE));
		this.client.mutateWith(mockJwt().jwt((jwt) -> jwt.subject("alice")))
			.get()
			.uri("/me")
			.header(HttpHeaders.IF_NONE_MATCH, "W/\"alice-v1\"")
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.valueEquals(HttpHeaders.ETAG, "\"alice-v1\"")
			.expectBody()
			.isEmpty();
	}

	@Test
	void getMeWhenCallerOverBudgetThenTooManyRequestsProblemAndNoLookup() {
		willThrow(new CallerRateLimitedException(Duration.ofSeconds(1))).given(this.limiter).acquire("alice");
		this.client.mutateWith(mockJwt().jwt((jwt) -> jwt.subject("alice")))
			.get()
			.uri("/me")
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "1");
		verifyNoInteractions(this.service);
	}

	@Test
	void patchMetadataWhenBodyBreaksTheRulesThenBadRequestProblemNamingTheField() {
		this.client.mutateWith(mockJwt().jwt((jwt) -> jwt.subject("alice")))
			.patch()
			.uri("/me/metadata")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"email\":\"x@example.com\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].pointer")
			.isEqualTo("/email");
	}

	@Test
	void pingWhenTokenThenSubOnly() {
		this.client.mutateWith(mockJwt().jwt((jwt) -> jwt.subject("alice")))
			.get()
			.uri("/me/ping")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectBody()
			.json("{\"sub\":\"alice\"}");
	}

}
