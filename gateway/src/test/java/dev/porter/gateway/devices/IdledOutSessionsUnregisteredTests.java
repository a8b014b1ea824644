package dev.porter.gateway.devices;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.porter.gateway.session.SessionKey;
import dev.porter.gateway.session.SessionRegistry;
import dev.porter.gateway.support.Browser;
import dev.porter.gateway.support.GatewayTestSupport;
import dev.porter.gateway.support.LoginCallback;
import dev.porter.gateway.support.MovableClock;
import dev.porter.gateway.support.MovableGatewayClock;
import dev.porter.gateway.support.TestIdp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user whose sessions idle out and who signs in again: the back-channel registry lists
 * only the sessions still signed in, not one more per idled-out session for as long as
 * the user keeps signing in (each login renewed the sets' expiry, and a back-channel
 * logout went through every dead member). In-memory mode; the Redis one is
 * {@link IdledOutSessionsUnregisteredOnRedisTests}.
 */
@Import(MovableGatewayClock.class)
class IdledOutSessionsUnregisteredTests extends GatewayTestSupport {

	/**
	 * Past the 30 min idle timeout, within the minute the directory keeps the entry of a
	 * session unused for that long (one touch interval): the list a login runs finds the
	 * session gone by its entry. Once the entry has expired too, nothing names the
	 * session any more, and it stays in the registry until the sets expire.
	 */
	static final Duration IDLED_OUT = Duration.ofMinutes(30).plusSeconds(30);

	@Autowired
	private MovableClock clock;

	@Autowired
	private SessionRegistry registry;

	@BeforeEach
	void clockAtNow() {
		this.clock.moveTo(Instant.now());
	}

	@Test
	void loginWhenTheUsersEarlierSessionsIdledOutThenOnlyTheLiveSessionIsRegistered() {
		String sub = "auth0|idler-" + UUID.randomUUID();
		List<String> idledOutSids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			idledOutSids.add(login(this.client, this.clock.instant(), sub).sid());
			this.clock.advance(IDLED_OUT);
		}

		Login current = login(this.client, this.clock.instant(), sub);

		assertThat(this.registry.findBySub(sub).block()).containsExactly(current.key());
		assertThat(this.registry.findBySid(current.sid()).block()).containsExactly(current.key());
		idledOutSids.forEach((sid) -> assertThat(this.registry.findBySid(sid).block()).as(sid).isEmpty());
	}

	/** A login whose ID token the IdP dates at {@code now}, the gateway's time. */
	static Login login(WebTestClient client, Instant now, String sub) {
		AtomicReference<String> sid = new AtomicReference<>();
		LoginCallback login = LoginCallback.run(client, "test-code",
				(nonce) -> sid.set(TestIdp.instance()
					.stubCodeExchangeWithIdToken(nonce, sub,
							(claims) -> claims.issueTime(Date.from(now))
								.expirationTime(Date.from(now.plus(Duration.ofHours(1)))))
					.sid()));
		return new Login(SessionKey.of(login.cookies().get(Browser.SESSION_COOKIE).getValue()), sid.get());
	}

	record Login(SessionKey key, String sid) {
	}

}
