package dev.porter.devidp.users;

import dev.porter.devidp.seed.Seed;
import dev.porter.devidp.seed.SeedLoader;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

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

}
