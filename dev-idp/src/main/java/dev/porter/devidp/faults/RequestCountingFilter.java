package dev.porter.devidp.faults;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts requests as they arrive, before faults and security: a request answered with an
 * injected error or a 401 still reached dev-idp.
 */
final class RequestCountingFilter extends OncePerRequestFilter {

	private final RequestStats stats;

	RequestCountingFilter(RequestStats stats) {
		this.stats = stats;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		EndpointGroup.of(request).ifPresent((group) -> count(group, request));
		chain.doFilter(request, response);
	}

	private void count(EndpointGroup group, HttpServletRequest request) {
		String method = request.getMethod();
		switch (group) {
			case TOKEN -> {
				if (HttpMethod.POST.matches(method)) {
					// Tomcat parses an x-www-form-urlencoded body into parameters once
					// and
					// keeps them, so the token endpoint still sees every parameter.
					String grantType = request.getParameter("grant_type");
					if (grantType != null) {
						this.stats.tokenRequest(grantType);
					}
				}
			}
			case USERINFO -> this.stats.userinfoRequest();
			case MANAGEMENT -> {
				if (HttpMethod.GET.matches(method)) {
					this.stats.managementGet();
				}
				else if (HttpMethod.PATCH.matches(method)) {
					this.stats.managementPatch();
				}
			}
		}
	}

}
