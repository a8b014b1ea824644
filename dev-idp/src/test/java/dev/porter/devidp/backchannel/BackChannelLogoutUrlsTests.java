package dev.porter.devidp.backchannel;

import java.net.URI;
import java.util.List;

import dev.porter.devidp.seed.Seed;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackChannelLogoutUrlsTests {

	private static final Seed SEED = new Seed(
			List.of(), List.of(client("gateway", List.of("http://localhost:8080/bff/backchannel-logout")),
					client("spa", null), client("remote", List.of("https://app.example.com/backchannel-logout"))),
			List.of(), List.of());

	@Test
	void ofWhenNoBaseThenSeededLoopbackUrlAsIs() {
		assertThat(new BackChannelLogoutUrls(SEED, null).of("gateway"))
			.containsExactly(URI.create("http://localhost:8080/bff/backchannel-logout"));
	}

	@Test
	void ofWhenBaseSetThenSeededPathOnBaseOrigin() {
		assertThat(new BackChannelLogoutUrls(SEED, URI.create("http://gateway:8080")).of("gateway"))
			.containsExactly(URI.create("http://gateway:8080/bff/backchannel-logout"));
	}

	@Test
	void ofWhenBaseWithoutPortThenSchemesDefaultPort() {
		assertThat(new BackChannelLogoutUrls(SEED, URI.create("https://gateway/")).of("gateway"))
			.containsExactly(URI.create("https://gateway/bff/backchannel-logout"));
	}

	@Test
	void ofWhenNoBaseAndSeededUrlNotOnLoopbackThenNone() {
		assertThat(new BackChannelLogoutUrls(SEED, null).of("remote")).isEmpty();
	}

	@Test
	void ofWhenBaseSetAndSeededUrlNotOnLoopbackThenOnBase() {
		assertThat(new BackChannelLogoutUrls(SEED, URI.create("http://gateway:8080")).of("remote"))
			.containsExactly(URI.create("http://gateway:8080/backchannel-logout"));
	}

	@Test
	void ofWhenClientHasNoBackChannelUrlThenNone() {
		assertThat(new BackChannelLogoutUrls(SEED, URI.create("http://gateway:8080")).of("spa")).isEmpty();
	}

	@Test
	void ofWhenClientUnknownThenNone() {
		assertThat(new BackChannelLogoutUrls(SEED, URI.create("http://gateway:8080")).of("nobody")).isEmpty();
	}

	private static Seed.Client client(String clientId, @Nullable List<String> backchannelLogoutUrls) {
		return new Seed.Client(clientId, null, clientId, "regular_web", List.of("authorization_code"), List.of(),
				List.of(), backchannelLogoutUrls);
	}

}
