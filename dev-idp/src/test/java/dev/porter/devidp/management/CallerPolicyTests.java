package dev.porter.devidp.management;

import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class CallerPolicyTests {

	private static final String ALICE = "auth0|5f7c8ec7c33c6c004bbafe82";

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void checkUpdateWhenCurrentUserMetadataScopeOnOwnUserMetadataThenAllowed() {
		Caller alice = new Caller(ALICE, Set.of(Caller.UPDATE_CURRENT_USER_METADATA));
		assertThatNoException()
			.isThrownBy(() -> CallerPolicy.checkUpdate(alice, ALICE, patch("{\"user_metadata\":{\"a\":1}}")));
	}

	@Test
	void checkUpdateWhenCurrentUserMetadataScopeOnAppMetadataThenInsufficientScope() {
		Caller alice = new Caller(ALICE, Set.of(Caller.UPDATE_CURRENT_USER_METADATA));
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> CallerPolicy.checkUpdate(alice, ALICE, patch("{\"app_metadata\":{\"plan\":\"pro\"}}")))
			.satisfies((ex) -> assertThat(ex.toError().errorCode()).isEqualTo("insufficient_scope"))
			.withMessageContaining("app_metadata");
	}

	@Test
	void checkUpdateWhenCurrentUserMetadataScopeOnAnotherUserThenNotSubject() {
		Caller bob = new Caller("google-oauth2|1", Set.of(Caller.UPDATE_CURRENT_USER_METADATA));
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> CallerPolicy.checkUpdate(bob, ALICE, patch("{\"user_metadata\":{\"a\":1}}")))
			.withMessage(CallerPolicy.NOT_SUBJECT);
	}

	@Test
	void checkUpdateWhenAppMetadataScopeOnRootAttributeThenInsufficientScope() {
		Caller m2m = new Caller("porter-profile@clients", Set.of(Caller.UPDATE_USERS_APP_METADATA));
		assertThatNoException()
			.isThrownBy(() -> CallerPolicy.checkUpdate(m2m, ALICE, patch("{\"app_metadata\":{\"plan\":\"pro\"}}")));
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> CallerPolicy.checkUpdate(m2m, ALICE, patch("{\"name\":\"Mallory\"}")))
			.withMessageContaining("name");
	}

	@Test
	void visibleToWhenCallerMayNotReadIdpTokensThenTokensRemovedAndIdentityKept() {
		ObjectNode user = patch(
				"""
						{"identities":[{"provider":"google-oauth2","access_token":"a","refresh_token":"r","access_token_secret":"s"}]}""");
		ObjectNode visible = CallerPolicy.visibleTo(new Caller(ALICE, Set.of(Caller.READ_CURRENT_USER)), user);
		assertThat(visible.get("identities").get(0).propertyNames()).containsExactly("provider");
	}

	private ObjectNode patch(String json) {
		return (ObjectNode) this.mapper.readTree(json);
	}

}
