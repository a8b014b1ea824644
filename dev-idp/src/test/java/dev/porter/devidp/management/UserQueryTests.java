package dev.porter.devidp.management;

import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class UserQueryTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final ObjectNode ALICE = user("""
			{"user_id":"auth0|alice","email":"Alice@Example.com","name":"Alice Example","email_verified":true,
			 "identities":[{"connection":"Username-Password-Authentication","provider":"auth0"}],
			 "app_metadata":{"plan":"gold","roles":["admin","editor"],"quota":{"gb":10}},
			 "user_metadata":{"country":"NZ"}}""");

	private static final ObjectNode BOB = user("""
			{"user_id":"google-oauth2|bob","email":"bob@example.com","name":"Bob Builder",
			 "identities":[{"connection":"google-oauth2","provider":"google-oauth2"}],
			 "app_metadata":{"plan":"silver"},"user_metadata":{"country":"AU"}}""");

	@Test
	void parseWhenEmailDiffersInCaseThenMatches() {
		assertThat(select("email:\"alice@example.com\"")).containsExactly(ALICE);
	}

	@Test
	void parseWhenPrefixOnUserIdThenOnlyThatProvidersUsers() {
		assertThat(select("user_id:google-oauth2*")).containsExactly(BOB);
	}

	@Test
	void parseWhenQuotedPhraseThenWholePhraseMatched() {
		assertThat(select("name:\"Bob Builder\"")).containsExactly(BOB);
		assertThat(select("name:\"Bob\"")).isEmpty();
	}

	@Test
	void parseWhenAndBindsTighterThanOrThenLuceneGrouping() {
		assertThat(select("app_metadata.plan:gold AND user_metadata.country:AU OR user_metadata.country:AU"))
			.containsExactly(BOB);
		assertThat(select("app_metadata.plan:gold AND (user_metadata.country:AU OR user_metadata.country:NZ)"))
			.containsExactly(ALICE);
	}

	@Test
	void parseWhenTermsHaveNoOperatorThenEitherMatches() {
		assertThat(select("user_metadata.country:NZ user_metadata.country:AU")).containsExactly(ALICE, BOB);
	}

	@Test
	void parseWhenNotThenOthers() {
		assertThat(select("NOT app_metadata.plan:gold")).containsExactly(BOB);
	}

	@Test
	void parseWhenMetadataArrayOrNestedThenAnyElementOrLeafMatches() {
		assertThat(select("app_metadata.roles:editor")).containsExactly(ALICE);
		assertThat(select("app_metadata.quota.gb:10")).containsExactly(ALICE);
		assertThat(select("identities.connection:google-oauth2")).containsExactly(BOB);
	}

	@Test
	void parseWhenMetadataValueCaseDiffersThenNoMatch() {
		assertThat(select("user_metadata.country:nz")).isEmpty();
	}

	@Test
	void parseWhenBlankThenEveryone() {
		assertThat(select(" ")).containsExactly(ALICE, BOB);
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "alice", "email:(alice", "(email:alice", "email:alice)", "email:\"alice", "password:secret",
					"email_verified:tr*", "email:a*b", "email:", "AND email:alice", "app_metadata.:x", "\"alice\"" })
	void parseWhenOutsideTheSubsetThenInvalidQueryString(String q) {
		assertThatExceptionOfType(ManagementApiException.class).isThrownBy(() -> UserQuery.parse(q))
			.satisfies((ex) -> assertThat(ex.toError().errorCode()).isEqualTo("invalid_query_string"))
			.satisfies((ex) -> assertThat(ex.getMessage()).endsWith("on property q."));
	}

	private static List<ObjectNode> select(String q) {
		Predicate<ObjectNode> query = UserQuery.parse(q);
		return List.of(ALICE, BOB).stream().filter(query).toList();
	}

	private static ObjectNode user(String json) {
		return (ObjectNode) MAPPER.readTree(json);
	}

}
