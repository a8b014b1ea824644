package dev.porter.gateway.csrf;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.porter.gateway.bff.BffProperties;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.InMemoryWebSessionStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading the session's token on every request of a session: the page is shown the
 * session's token again when its cookie is missing or differs, and a request in the form
 * browsers send is read without decoding every cookie it carries.
 */
class SessionCsrfTokenRepositoryTests {

	private static final String TOKEN = "s3ss10n-t0k3n";

	private final SessionCsrfTokenRepository tokens = new SessionCsrfTokenRepository(
			new BffProperties(URI.create("https://app.example/")));

	@Test
	void loadWhenBrowserEchoesTheSessionsTokenThenNoCookieWrittenAndNoCookieDecoded() {
		AtomicInteger decodings = new AtomicInteger();
		ServerWebExchange exchange = exchange("theme=dark; PORTER_SESSION=s-1; XSRF-TOKEN=" + TOKEN, decodings);

		CsrfToken token = this.tokens.loadToken(exchange).block(Duration.ofSeconds(1));

		assertThat(token.getToken()).isEqualTo(TOKEN);
		assertThat(exchange.getResponse().getCookies()).doesNotContainKey(SessionCsrfTokenRepository.COOKIE);
		assertThat(decodings).hasValue(0);
	}

	@Test
	void loadWhenCookiePlantedOrMissingThenSessionsTokenShownAgain() {
		for (String header : new String[] { "XSRF-TOKEN=planted", "PORTER_SESSION=s-1", "XSRF-TOKEN=\"planted\"" }) {
			ServerWebExchange exchange = exchange(header, new AtomicInteger());

			this.tokens.loadToken(exchange).block(Duration.ofSeconds(1));

			ResponseCookie shown = exchange.getResponse().getCookies().getFirst(SessionCsrfTokenRepository.COOKIE);
			assertThat(shown).as(header).isNotNull();
			assertThat(shown.getValue()).as(header).isEqualTo(TOKEN);
		}
	}

	@Test
	void loadWhenQuotedFormOfTheSessionsTokenThenTheServersDecoderDecides() {
		AtomicInteger decodings = new AtomicInteger();
		ServerWebExchange exchange = exchange("XSRF-TOKEN=\"" + TOKEN + "\"", decodings);

		this.tokens.loadToken(exchange).block(Duration.ofSeconds(1));

		assertThat(decodings).hasValue(1);
		assertThat(exchange.getResponse().getCookies()).doesNotContainKey(SessionCsrfTokenRepository.COOKIE);
	}

	/**
	 * A request whose session cookie named no session (one a login replaced, or that
	 * ended long ago): the page's cookie may already show a newer session's token, set by
	 * an answer the browser had before this one.
	 */
	@Test
	void saveWhenTheRequestFoundNoSessionThenThePagesCookieIsLeftAlone() {
		ServerWebExchange exchange = exchangeWithPageCookie(newSession());

		this.tokens.saveToken(exchange, this.tokens.generateToken(exchange).block(Duration.ofSeconds(1)))
			.block(Duration.ofSeconds(1));
		this.tokens.saveToken(exchange, null).block(Duration.ofSeconds(1));

		assertThat(exchange.getResponse().getCookies()).doesNotContainKey(SessionCsrfTokenRepository.COOKIE);
	}

	/** Its absolute lifetime passed, or a logout: the page's token goes with it. */
	@Test
	void saveWhenTheRequestsOwnSessionEndedDuringItThenThePagesCookieExpires() {
		WebSession session = newSession();
		session.start();
		session.getAttributes().put(SessionCsrfTokenRepository.SESSION_ATTRIBUTE, TOKEN);
		session.invalidate().block(Duration.ofSeconds(1));
		ServerWebExchange exchange = exchangeWithPageCookie(session);

		this.tokens.saveToken(exchange, this.tokens.generateToken(exchange).block(Duration.ofSeconds(1)))
			.block(Duration.ofSeconds(1));

		assertThat(exchange.getResponse().getCookies().getFirst(SessionCsrfTokenRepository.COOKIE))
			.extracting(ResponseCookie::getMaxAge)
			.isEqualTo(Duration.ZERO);
	}

	/**
	 * The logout of a session that is still there: its token and the page's cookie go.
	 */
	@Test
	void saveNullWhenTheRequestsSessionIsStartedThenTokenRemovedAndThePagesCookieExpires() {
		WebSession session = newSession();
		session.start();
		session.getAttributes().put(SessionCsrfTokenRepository.SESSION_ATTRIBUTE, TOKEN);
		ServerWebExchange exchange = exchangeWithPageCookie(session);

		this.tokens.saveToken(exchange, null).block(Duration.ofSeconds(1));

		assertThat(session.getAttributes()).doesNotContainKey(SessionCsrfTokenRepository.SESSION_ATTRIBUTE);
		assertThat(exchange.getResponse().getCookies().getFirst(SessionCsrfTokenRepository.COOKIE))
			.extracting(ResponseCookie::getMaxAge)
			.isEqualTo(Duration.ZERO);
	}

	private static WebSession newSession() {
		return new InMemoryWebSessionStore().createWebSession().block(Duration.ofSeconds(1));
	}

	private static ServerWebExchange exchangeWithPageCookie(WebSession session) {
		return MockServerWebExchange
			.builder(MockServerHttpRequest.get("/me").header(HttpHeaders.COOKIE, "XSRF-TOKEN=" + TOKEN))
			.session(session)
			.build();
	}

	/**
	 * A request of a started session holding {@link #TOKEN}, with one {@code Cookie}
	 * header, whose cookies decode as Netty's strict decoder would (quotes dropped),
	 * counting each time they are asked for.
	 */
	private static ServerWebExchange exchange(String cookieHeader, AtomicInteger decodings) {
		MockServerHttpRequest plain = MockServerHttpRequest.get("/me").header(HttpHeaders.COOKIE, cookieHeader).build();
		ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(plain) {
			@Override
			public MultiValueMap<String, HttpCookie> getCookies() {
				decodings.incrementAndGet();
				MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
				for (String pair : cookieHeader.split("; ")) {
					String[] nameAndValue = pair.split("=", 2);
					cookies.add(nameAndValue[0],
							new HttpCookie(nameAndValue[0], nameAndValue[1].replaceAll("^\"(.*)\"$", "$1")));
				}
				return cookies;
			}
		};
		WebSession session = new InMemoryWebSessionStore().createWebSession().block(Duration.ofSeconds(1));
		session.start();
		session.getAttributes().put(SessionCsrfTokenRepository.SESSION_ATTRIBUTE, TOKEN);
		return MockServerWebExchange.builder(MockServerHttpRequest.get("/me"))
			.session(session)
			.build()
			.mutate()
			.request(request)
			.build();
	}

}
