package dev.porter.devidp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.auth0.client.auth.AuthAPI;
import com.auth0.client.mgmt.ManagementAPI;
import com.auth0.client.mgmt.filter.UserFilter;
import com.auth0.exception.APIException;
import com.auth0.json.auth.TokenHolder;
import com.auth0.json.mgmt.users.User;
import com.auth0.json.mgmt.users.UsersPage;
import dev.porter.devidp.TestLogins.Authorize;
import dev.porter.devidp.TestLogins.Login;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * dev-idp driven by Auth0's official Java SDK ({@code com.auth0:auth0} 2.x) as an
 * application's backend drives Auth0: where the SDK and dev-idp disagree, dev-idp is
 * wrong.
 */
class Auth0JavaSdkTests extends DevIdpServerTestSupport {

	private static final String MANAGEMENT_AUDIENCE = ISSUER + "api/v2/";

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	@Test
	void requestTokenWhenClientCredentialsThenManagementApiToken() throws Exception {
		TokenHolder tokens = auth("porter-profile", "porter-profile-dev-secret").requestToken(MANAGEMENT_AUDIENCE)
			.execute()
			.getBody();
		assertThat(tokens.getTokenType()).isEqualTo("Bearer");
		assertThat(issuerDecoder().decode(tokens.getAccessToken()).getSubject()).isEqualTo("porter-profile@clients");
	}

	@Test
	void requestTokenWhenSecretWrongThenAccessDenied() {
		APIException ex = catchThrowableOfType(APIException.class,
				() -> auth("porter-profile", "wrong").requestToken(MANAGEMENT_AUDIENCE).execute());
		assertThat(ex.getStatusCode()).isEqualTo(401);
		assertThat(ex.isAccessDenied()).isTrue();
		assertThat(ex.getDescription()).isEqualTo("Unauthorized");
	}

	@Test
	void renewAuthWhenRotatedRefreshTokenReusedThenInvalidGrant() throws Exception {
		TestLogins browser = new TestLogins(ISSUER);
		Login login = browser.login(Authorize.gateway("openid profile email offline_access", null), "alice", "alice");
		String refreshToken = browser.json(browser.exchange(login, TestLogins.GATEWAY_SECRET))
			.get("refresh_token")
			.asString();
		AuthAPI gateway = auth(TestLogins.GATEWAY, TestLogins.GATEWAY_SECRET);
		TokenHolder renewed = gateway.renewAuth(refreshToken).execute().getBody();
		assertThat(renewed.getRefreshToken()).isNotEqualTo(refreshToken);

		APIException ex = catchThrowableOfType(APIException.class, () -> gateway.renewAuth(refreshToken).execute());

		assertThat(ex.getStatusCode()).isEqualTo(403);
		assertThat(ex.getError()).isEqualTo("invalid_grant");
	}

	@Test
	void getWhenUserExistsThenSeededProfile() throws Exception {
		User alice = management("porter-profile", "porter-profile-dev-secret").users()
			.get(ALICE, new UserFilter())
			.execute()
			.getBody();
		assertThat(alice.getEmail()).isEqualTo("alice@example.com");
		assertThat(alice.getUserMetadata()).containsEntry("country", "NZ");
	}

	@Test
	void getWhenUserUnknownThenNotFoundApiException() {
		ManagementAPI management = management("porter-profile", "porter-profile-dev-secret");
		APIException ex = catchThrowableOfType(APIException.class,
				() -> management.users().get("auth0|nobody", new UserFilter()).execute());
		assertThat(ex.getStatusCode()).isEqualTo(404);
		assertThat(ex.getError()).isEqualTo("inexistent_user");
	}

	@Test
	void updateWhenMetadataSentThenMergedKeyByKeyAndNullRemovesKey() throws Exception {
		ManagementAPI management = management("porter-profile", "porter-profile-dev-secret");
		String first = "sdk-first-" + System.nanoTime();
		String second = "sdk-second-" + System.nanoTime();
		management.users().update(ALICE, metadata(first, "one")).execute();
		User merged = management.users().update(ALICE, metadata(second, "two")).execute().getBody();
		assertThat(merged.getUserMetadata()).containsEntry(first, "one")
			.containsEntry(second, "two")
			.containsEntry("country", "NZ");

		management.users().update(ALICE, metadata(first, null)).execute();
		User removed = management.users().update(ALICE, metadata(second, null)).execute().getBody();

		assertThat(removed.getUserMetadata()).doesNotContainKeys(first, second).containsEntry("country", "NZ");
	}

	@Test
	void updateWhenTokenOnlyReadsThenForbiddenApiException() {
		ManagementAPI readOnly = management("porter-readonly", "porter-readonly-dev-secret");
		APIException ex = catchThrowableOfType(APIException.class,
				() -> readOnly.users().update(ALICE, metadata("sdk-refused", "x")).execute());
		assertThat(ex.getStatusCode()).isEqualTo(403);
		assertThat(ex.getError()).isEqualTo("insufficient_scope");
	}

	@Test
	void listWhenQueryThenPageWithTotals() throws Exception {
		UsersPage page = management("porter-readonly", "porter-readonly-dev-secret").users()
			.list(new UserFilter().withQuery("email:alice* OR name:\"Bob Builder\"")
				.withSearchEngine("v3")
				.withPage(0, 10)
				.withTotals(true)
				.withSort("email:1"))
			.execute()
			.getBody();
		assertThat(page.getItems()).extracting(User::getEmail).containsExactly("alice@example.com", "bob@example.com");
		assertThat(page.getTotal()).isEqualTo(2);
		assertThat(page.getStart()).isZero();
		assertThat(page.getLimit()).isEqualTo(10);
	}

	@Test
	void listByEmailWhenCaseDiffersThenUser() throws Exception {
		List<User> users = management("porter-readonly", "porter-readonly-dev-secret").users()
			.listByEmail("ALICE@example.com", null)
			.execute()
			.getBody();
		assertThat(users).extracting(User::getId).containsExactly(ALICE);
	}

	private static AuthAPI auth(String clientId, String clientSecret) {
		return AuthAPI.newBuilder(ISSUER, clientId, clientSecret).build();
	}

	private static ManagementAPI management(String clientId, String clientSecret) {
		try {
			String token = auth(clientId, clientSecret).requestToken(MANAGEMENT_AUDIENCE)
				.execute()
				.getBody()
				.getAccessToken();
			return ManagementAPI.newBuilder(ISSUER, token).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException("no Management API token for " + clientId, ex);
		}
	}

	private static User metadata(String key, Object value) {
		Map<String, Object> metadata = new HashMap<>();
		metadata.put(key, value);
		User patch = new User();
		patch.setUserMetadata(metadata);
		return patch;
	}

}
