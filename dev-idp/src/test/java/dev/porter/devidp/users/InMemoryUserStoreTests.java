package dev.porter.devidp.users;

import dev.porter.devidp.seed.Seed;
import dev.porter.devidp.seed.SeedLoader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryUserStoreTests {

	private final Seed seed = new SeedLoader(JsonMapper.builder().build()).load(new ClassPathResource("seed.json"),
			"http://localhost:9000/");

	private final UserStore store = new InMemoryUserStore(this.seed);

	@Test
	void authenticateWhenPasswordMatchesThenUserId() {
		assertThat(this.store.authenticate("alice", "alice")).contains("auth0|5f7c8ec7c33c6c004bbafe82");
	}

	@Test
	void authenticateWhenPasswordWrongThenEmpty() {
		assertThat(this.store.authenticate("alice", "bob")).isEmpty();
	}

	@Test
	void findByIdWhenCallerChangesCopyThenStoredUserUnchanged() {
		this.store.findById("auth0|5f7c8ec7c33c6c004bbafe82").orElseThrow().put("name", "Mallory");
		assertThat(this.store.findById("auth0|5f7c8ec7c33c6c004bbafe82").orElseThrow().get("name").asString())
			.isEqualTo("Alice Example");
	}

	@Test
	void loadWhenAudienceNamesIssuerThenIssuerSubstituted() {
		assertThat(this.seed.clientGrants()).allMatch((g) -> g.audience().equals("http://localhost:9000/api/v2/"));
	}

	@Test
	void createWhenEmailFreeThenUserCanSignInWithEmail() {
		ObjectNode user = JsonMapper.builder()
			.build()
			.createObjectNode()
			.put("user_id", "auth0|abc")
			.put("email", "carol@example.com");
		assertThat(this.store.create(user, "carol-pw")).isPresent();
		assertThat(this.store.authenticate("carol@example.com", "carol-pw")).contains("auth0|abc");
	}

	@Test
	void createWhenEmailTakenIgnoringCaseThenEmpty() {
		ObjectNode user = JsonMapper.builder()
			.build()
			.createObjectNode()
			.put("user_id", "auth0|def")
			.put("email", "Alice@Example.com");
		assertThat(this.store.create(user, "x")).isEmpty();
		assertThat(this.store.findById("auth0|def")).isEmpty();
	}

	// A new user named like an existing login would take that login over: the old
	// password would fail and the new one sign in as the new user.
	@Test
	void createWhenUsernameTakenThenEmptyAndLoginUnchanged() {
		ObjectNode user = JsonMapper.builder()
			.build()
			.createObjectNode()
			.put("user_id", "auth0|fed")
			.put("email", "mallory@example.com")
			.put("username", "alice");
		assertThat(this.store.create(user, "mallory-pw")).isEmpty();
		assertThat(this.store.authenticate("alice", "alice")).contains("auth0|5f7c8ec7c33c6c004bbafe82");
		assertThat(this.store.authenticate("alice", "mallory-pw")).isEmpty();
		assertThat(this.store.findById("auth0|fed")).isEmpty();
	}

	@Test
	void createWhenUsernameIsAnotherUsersLoginEmailThenEmpty() {
		JsonMapper mapper = JsonMapper.builder().build();
		ObjectNode carol = mapper.createObjectNode().put("user_id", "auth0|abc").put("email", "carol@example.com");
		assertThat(this.store.create(carol, "carol-pw")).isPresent();
		ObjectNode mallory = mapper.createObjectNode()
			.put("user_id", "auth0|fee")
			.put("email", "mallory@example.com")
			.put("username", "carol@example.com");
		assertThat(this.store.create(mallory, "mallory-pw")).isEmpty();
		assertThat(this.store.authenticate("carol@example.com", "carol-pw")).contains("auth0|abc");
	}

	@Test
	void changePasswordWhenUserExistsThenOldPasswordRefused() {
		assertThat(this.store.changePassword("auth0|5f7c8ec7c33c6c004bbafe82", "new-pw")).isTrue();
		assertThat(this.store.authenticate("alice", "alice")).isEmpty();
		assertThat(this.store.authenticate("alice", "new-pw")).contains("auth0|5f7c8ec7c33c6c004bbafe82");
	}

}
