package dev.porter.devidp.config;

import java.io.IOException;
import java.net.InetAddress;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The test controls under {@code /dev/**} (faults, counters, minted logout tokens): no
 * authentication, no CSRF, but answered only to callers on this machine that name it by a
 * loopback name, so neither a dev-idp reachable from a network nor a web page that
 * rebinds its own name to 127.0.0.1 can steer it.
 * <p>
 * Filter chain order in dev-idp: 1 the authorization server's endpoints, 2 the Management
 * API ({@code /api/v2/**}), 3 these controls, last the login form and everything else.
 */
@Configuration(proxyBeanMethods = false)
class DevControlsSecurityConfiguration {

	static final int ORDER = 3;

	@Bean
	@Order(ORDER)
	SecurityFilterChain devControlsSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/dev/**")
			.authorizeHttpRequests((authorize) -> authorize.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.addFilterBefore(new LoopbackOnlyFilter(), AbstractPreAuthenticatedProcessingFilter.class)
			.build();
	}

	private static final class LoopbackOnlyFilter extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
				response.sendError(HttpStatus.FORBIDDEN.value(), "dev-idp test controls answer only to loopback");
				return;
			}
			// DNS rebinding: a page whose name now resolves to 127.0.0.1 reaches us from
			// loopback through the developer's browser, but its Host header still names
			// it.
			if (!LoopbackNames.isLoopbackAuthority(request.getHeader(HttpHeaders.HOST))) {
				response.sendError(HttpStatus.FORBIDDEN.value(),
						"dev-idp test controls answer only to a loopback host name (localhost, 127.0.0.1, [::1])");
				return;
			}
			chain.doFilter(request, response);
		}

	}

}
