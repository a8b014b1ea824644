package dev.porter.devidp.management;

import java.time.Clock;

import dev.porter.devidp.config.DevIdpProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The Management API's filter chain (order 2, after the authorization server's endpoints
 * and before the {@code /dev} controls): stateless bearer JWTs for the Management API
 * audience, scopes per operation, Auth0-shaped 401 and 403 bodies.
 */
@Configuration(proxyBeanMethods = false)
class ManagementApiSecurityConfiguration {

	static final int ORDER = 2;

	@Bean
	@Order(ORDER)
	SecurityFilterChain managementApiSecurityFilterChain(HttpSecurity http, DevIdpProperties idp, JsonMapper mapper,
			Clock clock) throws Exception {
		ManagementAuthErrors errors = new ManagementAuthErrors(mapper);
		return http.securityMatcher("/api/v2/**").authorizeHttpRequests((authorize) -> {
			for (ManagementOperation operation : ManagementOperation.values()) {
				for (HttpMethod method : operation.methods()) {
					authorize.requestMatchers(method, operation.pattern()).hasAnyAuthority(operation.authorities());
				}
			}
			authorize.anyRequest().authenticated();
		})
			.oauth2ResourceServer((resourceServer) -> resourceServer
				.jwt((jwt) -> jwt.decoder(ManagementTokenDecoder.forIssuer(idp.issuerString(), clock)))
				.authenticationEntryPoint(errors)
				.accessDeniedHandler(errors))
			.exceptionHandling((exceptions) -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors))
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable())
			.build();
	}

}
