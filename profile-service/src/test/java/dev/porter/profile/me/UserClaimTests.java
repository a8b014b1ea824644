package dev.porter.profile.me;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.testsupport.ProfileServiceIntegrationTest;
import dev.porter.profile.testsupport.TestJwts;
import dev.porter.profile.testsupport.Upstreams;

import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A provider whose access tokens name the user in another claim than {@code sub}
 * ({@code OIDC_USER_CLAIM}). Okta's default authorization server puts the login name in
 * the access token's {@code sub} and the user id, which {@code /userinfo} answers as
 * {@code sub}, in {@code uid}: without the setting, every {@code /userinfo} answer looked
 * like someone else's.
 */
@TestPropertySource(properties = { "porter.directory.kind=none", "porter.oidc.user-claim=uid" })
class UserClaimTests extends ProfileServiceIntegrationTest {

	@Test
	void getMeWhenTheUserClaimNamesTheUserinfoSubjectThenTheProfile() {
		String token = TestJwts.mint(issuer(), "alice@example.com", (claims) -> claims.claim("uid", Upstreams.ALICE));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + token))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));

		getMe(token).expectStatus().isOk().expectBody().jsonPath("$.sub").isEqualTo(Upstreams.ALICE);
	}

	// Okta grants scopes in "scp", an array, and sends no "scope": every token of a user
	// had one /userinfo entry, so a token granted "openid" alone (another app's, in
	// the org's default authorization server) was answered with the claims fetched for
	// "openid profile email".
	@Test
	void getMeWhenTokensGrantOtherScopesInScpThenEachGetsTheClaimsOfItsOwn() {
		String full = oktaToken(List.of("openid", "profile", "email"));
		String narrow = oktaToken(List.of("openid"));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + full))
				.willReturn(okJson(Fixtures.read("userinfo/recorded.json"))));
		upstreams.idp()
			.stubFor(get(urlEqualTo("/userinfo")).withHeader("Authorization", equalTo("Bearer " + narrow))
				.willReturn(okJson("{\"sub\":\"" + Upstreams.ALICE + "\"}")));

		getMe(full).expectStatus().isOk().expectBody().jsonPath("$.email").isNotEmpty();
		getMe(narrow).expectStatus().isOk().expectBody().jsonPath("$.email").doesNotExist();

		upstreams.idp().verify(2, getRequestedFor(urlEqualTo("/userinfo")));
	}

	private String oktaToken(List<String> scp) {
		return TestJwts.mint(issuer(), "alice@example.com",
				(claims) -> claims.claim("uid", Upstreams.ALICE).claim("scope", null).claim("scp", scp));
	}

	@Test
	void getMeWhenTheTokenLacksTheUserClaimThenUnauthorizedAndNoUpstreamCall() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE);

		getMe(token).expectStatus().isUnauthorized();
		upstreams.idp().verify(0, anyRequestedFor(urlEqualTo("/userinfo")));
	}

	// RFC 9068 requires sub in a JWT access token even where another claim names the
	// user.
	@Test
	void getMeWhenTheTokenHasTheUserClaimButNoSubjectThenUnauthorizedAndNoUpstreamCall() {
		String token = TestJwts.mint(issuer(), Upstreams.ALICE,
				(claims) -> claims.subject(null).claim("uid", Upstreams.ALICE));

		getMe(token).expectStatus().isUnauthorized();
		upstreams.idp().verify(0, anyRequestedFor(urlEqualTo("/userinfo")));
	}

}
