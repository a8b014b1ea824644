package dev.porter.profile.config;

import java.time.Duration;

import dev.porter.profile.me.ApiProperties;

import org.springframework.stereotype.Component;

/**
 * Stops start-up when an upstream's deadline ({@code porter.resilience.*.deadline}) is
 * not shorter than {@code PROFILE_REQUEST_DEADLINE}. An upstream's own deadline ends a
 * load or change with what the upstream said last ({@code UpstreamPolicy.decorate}: a
 * user's {@code 429} stays hers, with its wait); only when it ends first does that answer
 * reach the caller, who otherwise gets the request deadline's {@code 503}, which the
 * gateway counts against its relay circuit for everybody.
 */
@Component
public class UpstreamDeadlines {

	UpstreamDeadlines(ResilienceProperties resilience, ApiProperties api) {
		check("userinfo", resilience.userinfo().deadline(), api.requestDeadline());
		check("management", resilience.management().deadline(), api.requestDeadline());
	}

	private static void check(String upstream, Duration deadline, Duration requestDeadline) {
		if (deadline.compareTo(requestDeadline) >= 0) {
			throw new IllegalStateException("porter.resilience." + upstream + ".deadline (" + deadline
					+ ") must be shorter than PROFILE_REQUEST_DEADLINE (" + requestDeadline
					+ "): the caller would get the request deadline's 503 instead of what " + upstream
					+ " answered last, such as her own 429");
		}
	}

}
