package dev.porter.profile.me;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.porter.profile.directory.DirectoryProperties;
import dev.porter.profile.directory.DirectoryUser;
import dev.porter.profile.testsupport.Fixtures;
import dev.porter.profile.userinfo.Userinfo;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileMergerTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private ProfileMerger merger(List<String> appMetadata, List<String> root) {
		return new ProfileMerger(new DirectoryProperties("auth0", appMetadata, root));
	}

	private ObjectNode merge(ProfileMerger merger, String userinfo, String user) {
		return merger.merge(new Userinfo((ObjectNode) this.mapper.readTree(Fixtures.read(userinfo))),
				new DirectoryUser((ObjectNode) this.mapper.readTree(Fixtures.read(user))));
	}

	@Test
	void mergeWhenNoAllowListThenAppMetadataOmitted() {
		ObjectNode profile = merge(merger(List.of(), List.of()), "userinfo/social.json", "management/user-social.json");
		assertThat(profile.has("app_metadata")).isFalse();
	}

	@Test
	void mergeWhenAllowListedThenOnlyThoseAppMetadataKeys() {
		ObjectNode profile = merge(merger(List.of("plan"), List.of()), "userinfo/social.json",
				"management/user-social.json");
		assertThat(profile.get("app_metadata")).isEqualTo(this.mapper.readTree("{\"plan\":\"pro\"}"));
	}

	@Test
	void mergeWhenIdentitiesCarryTokensThenOnlyFourFieldsKept() {
		ObjectNode profile = merge(merger(List.of(), List.of()), "userinfo/social.json", "management/user-social.json");
		assertThat(profile.get("identities")).isEqualTo(this.mapper.readTree(
				"[{\"provider\":\"google-oauth2\",\"connection\":\"google-oauth2\",\"user_id\":\"103547991597142817347\",\"isSocial\":true}]"));
	}

	@Test
	void mergeWhenOperatorAllowsRootAttributeThenItIsShown() {
		ObjectNode profile = merge(merger(List.of(), List.of("last_ip")), "userinfo/social.json",
				"management/user-social.json");
		assertThat(profile.get("last_ip").asString()).isEqualTo("203.0.113.7");
		assertThat(profile.has("multifactor")).isFalse();
		assertThat(profile.has("blocked")).isFalse();
	}

	@Test
	void mergeWhenDirectoryUserLacksOptionalFieldsThenUserinfoValuesStay() {
		ObjectNode profile = merger(List.of(), List.of()).merge(
				new Userinfo((ObjectNode) this.mapper.readTree("{\"sub\":\"auth0|1\",\"name\":\"From userinfo\"}")),
				new DirectoryUser((ObjectNode) this.mapper.readTree("{\"user_id\":\"auth0|1\"}")));
		assertThat(profile.get("name").asString()).isEqualTo("From userinfo");
		assertThat(profile.get("identities").isEmpty()).isTrue();
		assertThat(profile.has("user_metadata")).isFalse();
	}

}
