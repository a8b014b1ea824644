package dev.porter.profile.config;

import tools.jackson.databind.json.JsonMapper;

import dev.porter.profile.problem.ProblemAccessDeniedHandler;
import dev.porter.profile.problem.ProblemAuthenticationEntryPoint;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * The single filter chain: a stateless bearer-token API. Only the health probes and the
 * actuator paths (served on the management port) are open; no scope is required beyond a
 * valid token for {@code API_AUDIENCE} (the gateway's login asks for
 * {@code openid profile email offline_access}). Public so that controller slice tests can
 * import it; the decoder comes from {@link OidcConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder,
			JsonMapper mapper) {
		ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(mapper);
		ProblemAccessDeniedHandler accessDenied = new ProblemAccessDeniedHandler(mapper);
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache((cache) -> cache.disable())
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			// Actuator is mapped on the management port only; on the API port these paths
			// are open so that an outsider gets the 404 of a path that does not exist.
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/livez", "/readyz", "/actuator", "/actuator/**")
				.permitAll()
				.anyExchange()
				.authenticated())
			.oauth2ResourceServer((resourceServer) -> resourceServer.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder))
				.authenticationEntryPoint(entryPoint)
				.accessDeniedHandler(accessDenied))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
			.build();
	}

}
