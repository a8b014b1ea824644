package dev.porter.gateway.login;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.porter.gateway.session.DirectoryEntry;
import dev.porter.gateway.session.SessionDirectory;
import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store hiccup while the login callback records the new session (its back-channel
 * registration or its directory entry, as in Redis mode on a timeout) fails the login and
 * leaves nobody signed in: no session that logout and {@code /bff/sessions} would not
 * know of.
 */
@Import(LoginBookkeepingFailureTests.Hiccups.class)
class LoginBookkeepingFailureTests extends GatewayTestSupport {

	@Autowired
	private Hiccups hiccups;

	@AfterEach
	void noHiccup() {
		this.hiccups.registry.set(false);
		this.hiccups.directory.set(false);
	}

	@Test
	void callbackWhenDirectoryFailsThenLoginFailedAndNobodySignedIn() {
		this.hiccups.directory.set(true);
		Browser browser = browser();

		URI landing = browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void callbackWhenRegistryFailsThenLoginFailedAndNobodySignedIn() {
		this.hiccups.registry.set(true);
		Browser browser = browser();

		URI landing = browser.attemptLogin("auth0|" + UUID.randomUUID(), "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(false);
	}

	@Test
	void callbackWhenSignedInBrowserLogsInAgainAndDirectoryFailsThenItsFirstSessionStaysSignedIn() {
		String sub = "auth0|" + UUID.randomUUID();
		Browser browser = browser().login(sub, 3600);
		this.hiccups.directory.set(true);

		URI landing = browser.attemptLogin(sub, "sid-" + UUID.randomUUID(), 3600);

		assertThat(landing).isEqualTo(URI.create("/?login=failed"));
		browser.get("/bff/session").exchange().expectBody().jsonPath("$.authenticated").isEqualTo(true);
		browser.get("/bff/sessions").exchange().expectBody().jsonPath("$.sessions.length()").isEqualTo(1);
	}

	/** The real registry and directory, each failing once when asked to. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Hiccups {

		final AtomicBoolean registry = new AtomicBoolean();

		final AtomicBoolean directory = new AtomicBoolean();

		@Bean
		@Primary
		SessionRegistry hiccuppingRegistry(@Qualifier("sessionRegistry") SessionRegistry real) {
			return new SessionRegistry() {

				@Override
				public Mono<Void> register(SessionKey session, @Nullable String sid, @Nullable String sub) {
					return hiccup(Hiccups.this.registry).then(real.register(session, sid, sub));
				}

				@Override
				public Mono<Void> unregister(SessionKey session, @Nullable String sid, String sub) {
					return real.unregister(session, sid, sub);
				}

				@Override
				public Mono<Set<SessionKey>> takeBySid(String sid) {
					return real.takeBySid(sid);
				}

				@Override
				public Mono<Set<SessionKey>> takeBySub(String sub) {
					return real.takeBySub(sub);
				}

			};
		}

		@Bean
		@Primary
		SessionDirectory hiccuppingDirectory(@Qualifier("inMemorySessionDirectory") SessionDirectory real) {
			return new SessionDirectory() {

				@Override
				public Mono<Void> record(DirectoryEntry entry) {
					return hiccup(Hiccups.this.directory).then(real.record(entry));
				}

				@Override
				public Flux<DirectoryEntry> entriesOf(String sub) {
					return real.entriesOf(sub);
				}

				@Override
				public Mono<Void> seen(SessionKey key, Instant at) {
					return real.seen(key, at);
				}

				@Override
				public Mono<Void> forget(SessionKey key, String sub) {
					return real.forget(key, sub);
				}

			};
		}

		private static Mono<Void> hiccup(AtomicBoolean armed) {
			return Mono.defer(() -> armed.getAndSet(false)
					? Mono.error(new QueryTimeoutException("Redis command timed out")) : Mono.empty());
		}

	}

}
