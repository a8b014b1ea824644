package dev.porter.gateway.session;

import dev.porter.gateway.bff.BffProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.session.WebSessionIdResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session cookie from {@code PUBLIC_BASE_URL} and {@code SESSION_COOKIE_NAME},
 * {@code SESSION_COOKIE_SECURE} as the gateway's application.yml reads them. Unset or set
 * to nothing (docker compose passes them so when {@code .env} does not set them), they
 * follow the scheme: {@code __Host-porter-session; Secure} over https,
 * {@code porter-session} without {@code Secure} over plain http, where Safari keeps no
 * {@code Secure} cookie, loopback included (WebKit bug 281149), and {@code Secure}
 * protects nothing. Set, they win, and a contradiction stops start-up naming the
 * variables.
 */
class SessionCookieSettingsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withInitializer(new ConfigDataApplicationContextInitializer())
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(SessionCookieOnly.class);

	// ./run.sh and docker compose serve http://localhost:8080: with a Secure cookie
	// there, every login in Safari ended at /?login=failed.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "http://localhost:8080|UNSET=|UNSET=",
			"http://localhost:8080|SESSION_COOKIE_NAME=|SESSION_COOKIE_SECURE=",
			"http://localhost:8080|SESSION_COOKIE_NAME= |SESSION_COOKIE_SECURE= ",
			"http://127.0.0.1:8080|UNSET=|UNSET=", "http://[::1]:8080|SESSION_COOKIE_NAME=|SESSION_COOKIE_SECURE=" })
	void cookieWhenSettingsUnsetAndPublicBaseUrlPlainHttpThenPlainNameWithoutSecure(String publicBaseUrl, String name,
			String secure) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=" + publicBaseUrl, name, secure).run((context) -> {
			ResponseCookie cookie = sessionCookie(context);
			assertThat(cookie.getName()).isEqualTo("porter-session");
			assertThat(cookie.isSecure()).isFalse();
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "https://porter.example.com|UNSET=|UNSET=",
					"https://porter.example.com|SESSION_COOKIE_NAME=|SESSION_COOKIE_SECURE=",
					"HTTPS://porter.example.com:8443/|UNSET=|UNSET=" })
	void cookieWhenSettingsUnsetAndPublicBaseUrlHttpsThenHostPrefixedAndSecure(String publicBaseUrl, String name,
			String secure) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=" + publicBaseUrl, name, secure).run((context) -> {
			ResponseCookie cookie = sessionCookie(context);
			assertThat(cookie.getName()).isEqualTo("__Host-porter-session");
			assertThat(cookie.isSecure()).isTrue();
		});
	}

	// What an operator sets is kept: Secure on loopback to try production's cookie in a
	// browser that keeps it there (Chrome, Firefox), another name, plain http on an
	// intranet host.
	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"http://localhost:8080|UNSET=|SESSION_COOKIE_SECURE=true|__Host-porter-session|true",
			"http://localhost:8080|SESSION_COOKIE_NAME=__Host-porter-session|SESSION_COOKIE_SECURE=true|__Host-porter-session|true",
			"http://localhost:8080|SESSION_COOKIE_NAME=sid|UNSET=|sid|false",
			"http://localhost:8080|SESSION_COOKIE_NAME=sid|SESSION_COOKIE_SECURE=true|sid|true",
			"http://porter.intranet:8080|SESSION_COOKIE_NAME=sid|SESSION_COOKIE_SECURE=false|sid|false",
			"https://porter.example.com|SESSION_COOKIE_NAME=__Secure-sid|UNSET=|__Secure-sid|true",
			"https://porter.example.com|UNSET=|SESSION_COOKIE_SECURE=true|__Host-porter-session|true" })
	void cookieWhenSetThenAsSet(String publicBaseUrl, String name, String secure, String expectedName,
			boolean expectedSecure) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=" + publicBaseUrl, name, secure).run((context) -> {
			ResponseCookie cookie = sessionCookie(context);
			assertThat(cookie.getName()).isEqualTo(expectedName);
			assertThat(cookie.isSecure()).isEqualTo(expectedSecure);
		});
	}

	// Browsers drop Secure cookies set by a plain-http origin beyond loopback (and Safari
	// on loopback too): every login ended in authorization_request_not_found, pointing
	// nowhere. An https origin with cookies that are not Secure lets them travel over
	// plain http too.
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = {
					"http://porter.intranet:8080|SESSION_COOKIE_SECURE=true|SESSION_COOKIE_NAME=__Host-porter-session",
					"http://10.0.0.7:8080|SESSION_COOKIE_SECURE=true|SESSION_COOKIE_NAME=porter-session",
					"http://porter.intranet:8080|SESSION_COOKIE_SECURE=true|UNSET=",
					"https://porter.example.com|SESSION_COOKIE_SECURE=false|SESSION_COOKIE_NAME=porter-session",
					"https://porter.example.com|SESSION_COOKIE_SECURE=false|UNSET=" })
	void startWhenCookieSecureContradictsPublicBaseUrlThenFailsNamingBothVariables(String publicBaseUrl, String secure,
			String name) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=" + publicBaseUrl, secure, name)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("PUBLIC_BASE_URL")
				.hasMessageContaining("SESSION_COOKIE_SECURE"));
	}

	// Plain http beyond loopback carries the session cookie unprotected: an operator says
	// so (SESSION_COOKIE_SECURE=false), or it is a mistake (a TLS-terminating proxy in
	// front, and PUBLIC_BASE_URL left at http) that start-up names.
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "http://porter.intranet:8080|UNSET=|UNSET=",
					"http://porter.intranet:8080|SESSION_COOKIE_NAME=|SESSION_COOKIE_SECURE=",
					"http://10.0.0.7:8080|SESSION_COOKIE_NAME=sid|UNSET=" })
	void startWhenPublicBaseUrlPlainHttpBeyondLoopbackAndCookieSecureUnsetThenFailsNamingBoth(String publicBaseUrl,
			String name, String secure) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=" + publicBaseUrl, name, secure)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("PUBLIC_BASE_URL")
				.hasMessageContaining("SESSION_COOKIE_SECURE=false"));
	}

	// Browsers drop a cookie named with a __Host- or __Secure- prefix, matched without
	// regard to case (RFC 6265bis), unless it is Secure: every login would end in
	// /?login=failed with nothing pointing at the cause. Over plain http an unset
	// SESSION_COOKIE_SECURE means false.
	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "SESSION_COOKIE_NAME=__Host-porter-session|SESSION_COOKIE_SECURE=false",
					"SESSION_COOKIE_NAME=__Secure-porter-session|SESSION_COOKIE_SECURE=false",
					"SESSION_COOKIE_NAME=__host-porter-session|SESSION_COOKIE_SECURE=false",
					"SESSION_COOKIE_NAME=__SECURE-porter-session|SESSION_COOKIE_SECURE=false",
					"SESSION_COOKIE_NAME=__Host-porter-session|UNSET=",
					"SESSION_COOKIE_NAME=__Host-porter-session|SESSION_COOKIE_SECURE=" })
	void startWhenPrefixedCookieNameIsNotSecureThenFailsNamingTheVariables(String name, String secure) {
		this.runner.withPropertyValues("PUBLIC_BASE_URL=http://localhost:8080", name, secure)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("SESSION_COOKIE_NAME")
				.hasMessageContaining("SESSION_COOKIE_SECURE=true"));
	}

	/** The session cookie the gateway sets when it starts a session. */
	private static ResponseCookie sessionCookie(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/"));
		context.getBean(WebSessionIdResolver.class).setSessionId(exchange, "session-id");
		assertThat(exchange.getResponse().getCookies()).hasSize(1);
		return exchange.getResponse().getCookies().toSingleValueMap().values().iterator().next();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ SessionProperties.class, BffProperties.class })
	@Import(SessionConfiguration.class)
	static class SessionCookieOnly {

	}

}
