package dev.porter.gateway.config;

import java.time.Duration;

import dev.porter.gateway.bff.BffProperties;
import dev.porter.gateway.oidc.OidcProperties;
import dev.porter.gateway.routing.RelayProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class StartupValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(OidcPropertiesConfiguration.class)
		.withPropertyValues("porter.oidc.issuer-uri=http://localhost:9000/", "porter.oidc.client-id=porter-gateway",
				"porter.oidc.audience=https://porter.example/api");

	@Test
	void startWhenClientSecretMissingThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.oidc.client-secret=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_CLIENT_SECRET"));
	}

	@Test
	void startWhenScopesGivenAsOneStringThenSplitIntoScopes() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.scopes=openid profile email")
			.run((context) -> assertThat(context.getBean(OidcProperties.class).scopeList()).containsExactly("openid",
					"profile", "email"));
	}

	@Test
	void startWhenIdpResponseTimeoutNotSetThenFiveSeconds() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s")
			.run((context) -> assertThat(context.getBean(OidcProperties.class).responseTimeout())
				.isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void startWhenIdpResponseTimeoutNotPositiveThenFailsNamingTheVariable() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.response-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_RESPONSE_TIMEOUT"));
	}

	@Test
	void startWhenDiscoveryTimeoutNotPositiveThenFailsNamingTheSetting() {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.discovery-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_DISCOVERY_TIMEOUT"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "porter.oidc.issuer-uri=tenant.eu.auth0.com|OIDC_ISSUER_URI",
					"porter.oidc.issuer-uri=ftp://tenant.eu.auth0.com/|OIDC_ISSUER_URI",
					"porter.oidc.token-uri=tenant.eu.auth0.com/oauth/token|OIDC_TOKEN_URI",
					"porter.oidc.jwks-uri=dev-idp:9000/.well-known/jwks.json|OIDC_JWKS_URI",
					"porter.oidc.userinfo-uri=/userinfo|OIDC_USERINFO_URI",
					"porter.oidc.discovery-uri=http:///.well-known/openid-configuration|OIDC_DISCOVERY_URI",
					"porter.oidc.revocation-uri=tenant.eu.auth0.com/oauth/revoke|OIDC_REVOCATION_URI",
					"porter.bff.public-base-url=porter.example.com|PUBLIC_BASE_URL",
					"porter.relay.profile-service-uri=profile-service:8081|PROFILE_SERVICE_URI" })
	void startWhenUriSettingNotAbsoluteHttpThenFailsNamingTheVariable(String setting, String variable) {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", setting)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(variable + " must be an absolute http(s) URI"));
	}

	// The relay sends the gateway's own path (/me/...) to the upstream's origin: a path,
	// query or user-info in the setting was dropped without a word, and /me went to
	// whatever serves /me at that origin, with the user's token.
	@ParameterizedTest
	@ValueSource(strings = { "http://ingress.internal/profile", "http://ingress.internal/profile/",
			"http://profile-service:8081/?tenant=a", "http://porter:secret@profile-service:8081",
			"http://profile-service:8081#me" })
	void startWhenProfileServiceUriHasMoreThanAnOriginThenFailsNamingTheVariable(String uri) {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.relay.profile-service-uri=" + uri)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("PROFILE_SERVICE_URI must be an origin"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://profile-service:8081", "http://profile-service:8081/", "https://profile.example" })
	void startWhenProfileServiceUriIsAnOriginThenStarts(String uri) {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.relay.profile-service-uri=" + uri)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenUriSettingsAbsoluteHttpThenStarts() {
		this.runner
			.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.issuer-uri=https://tenant.eu.auth0.com/",
					"porter.oidc.token-uri=http://dev-idp:9000/oauth/token", "porter.oidc.jwks-uri=",
					"porter.bff.public-base-url=https://porter.example.com",
					"porter.relay.profile-service-uri=http://profile_service:8081")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	// Without openid Spring signs users in with plain OAuth2 (no OidcUser), and Porter
	// keeps no login: every login landed signed out, with nothing logged.
	@ParameterizedTest
	@ValueSource(strings = { "profile email offline_access", "openid-extra profile" })
	void startWhenScopesLackOpenidThenFailsNamingTheVariable(String scopes) {
		this.runner.withPropertyValues("porter.oidc.client-secret=s", "porter.oidc.scopes=" + scopes)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("OIDC_SCOPES must include openid"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ OidcProperties.class, BffProperties.class, RelayProperties.class })
	static class OidcPropertiesConfiguration {

	}

}
