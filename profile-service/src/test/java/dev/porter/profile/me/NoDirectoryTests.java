package dev.porter.profile.me;

import org.junit.jupiter.api.Test;

import dev.porter.profile.directory.auth0.Auth0ManagementProperties;
import dev.porter.profile.directory.ClientCredentialsTokens;
import dev.porter.profile.directory.Directory;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code PROFILE_DIRECTORY=none}: {@code GET /me} is {@code /userinfo} alone with the
 * usual cache, ETag and Cache-Status; {@code PATCH /me/metadata} is 501 and calls nobody.
 */
@TestPropertySource(properties = "porter.directory.kind=none")
class NoDirectoryTests extends ProfileServiceIntegrationTest {

	@Autowired
	private ApplicationContext context;

	private String alice() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		return token;
	}

	@Test
	void startWhenNoDirectoryThenNeitherAdapterNorAuth0SettingsExist() {
		assertThat(this.context.getBeanNamesForType(Directory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ClientCredentialsTokens.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(Auth0ManagementProperties.class)).isEmpty();
	}

	@Test
	void getMeWhenNoDirectoryThenUserinfoAloneAndNoDirectoryCall() {
		getMe(alice()).expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Cache-Status", "profile-service; fwd=uri-miss; stored")
			.expectHeader()
			.valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
			.expectHeader()
			.exists(HttpHeaders.ETAG)
			.expectBody()
			.jsonPath("$.sub")
			.isEqualTo(Upstreams.ALICE)
			.jsonPath("$.name")
			.isEqualTo("test-user@example.com")
			.jsonPath("$.email_verified")
			.isEqualTo(true)
			.jsonPath("$['https://porter.example/roles'][0]")
			.isEqualTo("reader")
			.jsonPath("$.user_metadata")
			.doesNotExist()
			.jsonPath("$.app_metadata")
			.doesNotExist()
			.jsonPath("$.identities.length()")
			.isEqualTo(0);
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
		upstreams.idp().verify(0, postRequestedFor(urlPathEqualTo("/oauth/token")));
	}

	@Test
	void getMeWhenNoDirectoryAndAskedAgainThenCacheHitAndNotModified() {
		String token = alice();
		String etag = getMe(token).expectStatus().isOk().returnResult(byte[].class).getResponseHeaders().getETag();

		this.client.get()
			.uri("/me")
			.headers((h) -> h.setBearerAuth(token))
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified()
			.expectHeader()
			.value("Cache-Status", (status) -> assertThat(status).startsWith("profile-service; hit; ttl="));
		upstreams.idp().verify(1, getRequestedFor(urlEqualTo("/userinfo")));
	}

	@Test
	void patchMetadataWhenNoDirectoryThenNotImplementedProblemAndNoUpstreamCall() {
		patchMetadata("{\"theme\":\"dark\"}").expectStatus()
			.isEqualTo(501)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("https://porter.example/problems/directory-not-writable")
			.jsonPath("$.title")
			.isEqualTo("Directory not writable")
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("no writable user directory"));
		upstreams.idp().verify(0, anyRequestedFor(urlEqualTo("/userinfo")));
		upstreams.management().verify(0, anyRequestedFor(anyUrl()));
	}

	@Test
	void patchMetadataWhenNoDirectoryAndBodyInvalidThenStillNotImplemented() {
		patchMetadata("[1,2]").expectStatus().isEqualTo(501);
	}

	private WebTestClient.ResponseSpec patchMetadata(String body) {
		return this.client.patch()
			.uri("/me/metadata")
			.headers((h) -> h.setBearerAuth(alice()))
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
			.bodyValue(body)
			.exchange();
	}

}
