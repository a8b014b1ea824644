package dev.porter.devidp.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class DevIdpPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void startWhenIssuerNotLoopbackThenRefusedNamingTheVariable() {
		this.runner.withPropertyValues("porter.dev-idp.issuer=https://idp.example.com/")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("DEV_IDP_ALLOW_NON_LOOPBACK_ISSUER"));
	}

	@Test
	void startWhenHostOnlyLooksLikeLoopbackThenRefused() {
		this.runner.withPropertyValues("porter.dev-idp.issuer=http://localhost.evil.example/")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void startWhenNonLoopbackAllowedExplicitlyThenStarts() {
		this.runner
			.withPropertyValues("porter.dev-idp.issuer=https://idp.example.com/",
					"porter.dev-idp.allow-non-loopback-issuer=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void startWhenIssuerIsLoopbackAddressThenStarts() {
		for (String issuer : new String[] { "http://localhost:9000/", "http://127.0.0.1:9000/", "http://127.1.2.3/",
				"http://[::1]:9000/" }) {
			this.runner.withPropertyValues("porter.dev-idp.issuer=" + issuer)
				.run((context) -> assertThat(context).as(issuer).hasNotFailed());
		}
	}

	@Test
	void issuerStringWhenNoTrailingSlashThenAdded() {
		this.runner.withPropertyValues("porter.dev-idp.issuer=http://localhost:9000")
			.run((context) -> assertThat(context.getBean(DevIdpProperties.class).issuerString())
				.isEqualTo("http://localhost:9000/"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "porter.dev-idp.access-token-ttl=0s|DEV_IDP_ACCESS_TOKEN_TTL",
					"porter.dev-idp.access-token-ttl=-1h|DEV_IDP_ACCESS_TOKEN_TTL",
					"porter.dev-idp.refresh-token-ttl=0s|DEV_IDP_REFRESH_TOKEN_TTL" })
	void startWhenTokenLifetimeNotPositiveThenFailsNamingTheVariable(String setting, String variable) {
		this.runner.withPropertyValues("porter.dev-idp.issuer=http://localhost:9000/", setting)
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining(variable));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DevIdpProperties.class)
	static class PropertiesOnly {

	}

}
