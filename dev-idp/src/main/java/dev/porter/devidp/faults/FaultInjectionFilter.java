package dev.porter.devidp.faults;

import java.io.IOException;
import java.util.Optional;
import java.util.random.RandomGenerator;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the faults switched on for a request's endpoint group, before Spring Security
 * so that they hit unauthenticated requests too: first the latency, then the rate limit
 * (429 with {@code X-RateLimit-*}, which successful responses carry as well), then the
 * error rate.
 */
final class FaultInjectionFilter extends OncePerRequestFilter {

	private final FaultRegistry registry;

	private final FaultResponses responses;

	private final RandomGenerator random;

	FaultInjectionFilter(FaultRegistry registry, FaultResponses responses, RandomGenerator random) {
		this.registry = registry;
		this.responses = responses;
		this.random = random;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Optional<EndpointGroup> group = EndpointGroup.of(request);
		Optional<FaultRegistry.ActiveFault> fault = group.flatMap(this.registry::get);
		if (group.isEmpty() || fault.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		FaultSettings settings = fault.get().settings();
		delay(settings.latencyMs());
		TokenBucket bucket = fault.get().bucket();
		if (bucket != null) {
			TokenBucket.Decision decision = bucket.tryConsume();
			response.setHeader("X-RateLimit-Limit", String.valueOf(decision.limit()));
			response.setHeader("X-RateLimit-Remaining", String.valueOf(decision.remaining()));
			response.setHeader("X-RateLimit-Reset", String.valueOf(decision.resetEpochSecond()));
			if (!decision.allowed()) {
				if (settings.retryAfter()) {
					response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(decision.retryAfterSeconds()));
				}
				this.responses.tooManyRequests(group.get(), response);
				return;
			}
		}
		if (settings.errorRate() > 0 && this.random.nextDouble() < settings.errorRate()) {
			this.responses.injected(group.get(), settings.errorStatus(), response);
			return;
		}
		chain.doFilter(request, response);
	}

	// A servlet request thread may block: this is what a slow IdP looks like to a client.
	// The latency was capped when it was set, so a request never hangs for long.
	private static void delay(long millis) {
		if (millis <= 0) {
			return;
		}
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
