package dev.porter.gateway.logout;

import java.net.URI;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.util.UriComponentsBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class LogoutTests extends GatewayTestSupport {

	@Autowired
	private SessionDirectory directory;

	@Test
	void logoutWhenJsonRequestThenReturnsEndSessionRedirectAndEndsSession() {
		Browser browser = browser().login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", xsrf)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody()
			.jsonPath("$.redirect")
			.value(String.class, (url) -> assertThat(url).startsWith(TestIdp.instance().issuer() + "oidc/logout?"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
		TestIdp.instance()
			.server()
			.verify(1, postRequestedFor(urlPathEqualTo("/oauth/revoke"))
				.withRequestBody(containing("token=" + browser.tokens().refreshToken())));
	}

	/**
	 * "Sign out" forgets the session's entry in the sessions directory too, as every
	 * other ending does: left there, it was listed under her in Redis ("signed in" to a
	 * reader of it) and counted against the directory's limits until its retention ran
	 * out, where the in-memory directory drops entries of its own choosing, other users'
	 * live sessions among them.
	 */
	@Test
	void logoutWhenSignedOutThenHerSessionsDirectoryEntryIsForgotten() {
		Browser browser = browser().login("auth0|dora", 3600);
		SessionKey key = SessionKey.of(browser.sessionId());
		assertThat(this.directory.entriesOf("auth0|dora").map(DirectoryEntry::key).collectList().block()).contains(key);

		browser.method(HttpMethod.POST, "/bff/logout")
			.header("X-XSRF-TOKEN", browser.xsrf())
			.exchange()
			.expectStatus()
			.isOk();

		assertThat(this.directory.entriesOf("auth0|dora").map(DirectoryEntry::key).collectList().block())
			.doesNotContain(key);
	}

	@Test
	void logoutWhenFormPostThenRedirectsToEndSessionWithSidAsLogoutHintAndNoIdToken() {
		Browser browser = browser().login("auth0|alice", 3600);
		String xsrf = browser.xsrf();
		URI location = formPost(browser, xsrf).expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getLocation();
		MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(location.getPath()).isEqualTo("/oidc/logout");
		// The ID token (personal data, a bearer of the login) stays out of the URL: the
		// sid identifies the IdP session as well.
		assertThat(query).doesNotContainKey("id_token_hint");
		assertThat(query.getFirst("logout_hint")).isEqualTo(browser.tokens().sid());
		assertThat(query.getFirst("post_logout_redirect_uri")).isEqualTo("http%3A%2F%2Flocalhost%3A8080%2F");
		assertThat(query.getFirst("client_id")).isEqualTo(TestIdp.CLIENT_ID);
	}

	/**
	 * "Sign out" on a laptop whose gateway session another device ended (as an idle
	 * timeout or the absolute lifetime would): the IdP's session lives on, and at a
	 * shared computer the next "Sign in" would pass its single sign-on as her. With no
	 * login to name, the browser still goes to the IdP's logout, with {@code client_id}
	 * and no hint (the IdP may ask the user to confirm).
	 */
	@Test
	void logoutWhenSessionEndedFromAnotherDeviceThenStillSentToTheIdpsLogoutWithoutHint() {
		Browser laptop = browser().login("auth0|alice", 3600);
		String xsrf = laptop.xsrf();
		Browser phone = browser().login("auth0|alice", 3600);
		phone.method(HttpMethod.DELETE, "/bff/sessions?others=true")
			.header("X-XSRF-TOKEN", phone.xsrf())
			.exchange()
			.expectStatus()
			.isOk();

		URI location = formPost(laptop, xsrf).expectStatus()
			.isFound()
			.expectBody()
			.returnResult()
			.getResponseHeaders()
			.getLocation();

		assertThat(location.getPath()).isEqualTo("/oidc/logout");
		MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(location).build().getQueryParams();
		assertThat(query).containsOnlyKeys("post_logout_redirect_uri", "client_id");
		assertThat(query.getFirst("post_logout_redirect_uri")).isEqualTo("http%3A%2F%2Flocalhost%3A8080%2F");
		assertThat(query.getFirst("client_id")).isEqualTo(TestIdp.CLIENT_ID);
		phone.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/**
	 * Another site's page cannot use the gateway to send a browser without a session to
	 * the IdP's logout: the browser's word that the post is cross-site or same-site is
	 * refused before the logout, as with a session.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "cross-site", "same-site" })
	void logoutWhenAnonymousPostFromAnotherSiteThenForbiddenAndNotSentToTheIdp(String site) {
		this.client.post()
			.uri("/bff/logout")
			.header("Accept", "text/html")
			.header("Sec-Fetch-Site", site)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist("Location");
	}

	@Test
	void logoutWhenXsrfHeaderMissingThenForbiddenAndSessionKept() {
		Browser browser = browser().login("auth0|alice", 3600);
		browser.xsrf();
		browser.method(HttpMethod.POST, "/bff/logout").exchange().expectStatus().isForbidden();
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
	}

	/** The sign-out form the SPA renders, posted by the browser. */
	private WebTestClient.ResponseSpec formPost(Browser browser, String xsrf) {
		return this.client.post()
			.uri("/bff/logout")
			.cookies((jar) -> browser.cookies().forEach(jar::add))
			.header("Accept", "text/html")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("_csrf", xsrf))
			.exchange();
	}

}
