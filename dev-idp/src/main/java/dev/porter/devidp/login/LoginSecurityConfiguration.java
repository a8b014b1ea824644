package dev.porter.devidp.login;

import dev.porter.devidp.users.UserStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The last filter chain: the hosted login form, Auth0's {@code /v2/logout}, the landing
 * page, the health probes and actuator (served on the management port; on the main port
 * an outsider gets the 404 of a path that does not exist); everything not named here
 * needs a signed-in user.
 */
@Configuration(proxyBeanMethods = false)
class LoginSecurityConfiguration {

	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	SecurityFilterChain loginSecurityFilterChain(HttpSecurity http, UserStoreAuthenticationProvider users)
			throws Exception {
		// Added to this chain directly: Spring Security applies an AuthenticationProvider
		// bean to every chain only while it is the only one. Being a bean still matters:
		// it keeps Boot from creating its default in-memory user.
		return http.authenticationProvider(users)
			.authorizeHttpRequests((authorize) -> authorize
				.requestMatchers("/", "/login", "/error", "/v2/logout", "/favicon.ico", "/livez", "/readyz",
						"/actuator/**")
				.permitAll()
				.anyRequest()
				.authenticated())
			.formLogin((form) -> form.loginPage("/login").failureUrl("/login?error"))
			.build();
	}

	@Bean
	UserStoreAuthenticationProvider userStoreAuthenticationProvider(UserStore users) {
		return new UserStoreAuthenticationProvider(users);
	}

}
