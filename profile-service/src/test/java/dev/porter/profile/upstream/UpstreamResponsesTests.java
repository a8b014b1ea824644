package dev.porter.profile.upstream;

import java.time.Clock;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpStatusCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which upstream answers are the caller's doing and which the upstream's: the first go
 * back to the caller as 4xx and count against no breaker.
 */
class UpstreamResponsesTests {

	private final UpstreamResponses management = new UpstreamResponses("management", Clock.systemUTC(), false);

	private final UpstreamResponses userinfo = new UpstreamResponses("userinfo", Clock.systemUTC(), true);

	@ParameterizedTest
	@CsvSource({ "400, REFUSED", "401, TOKEN_REJECTED", "403, BAD_RESPONSE", "404, NOT_FOUND", "405, BAD_RESPONSE",
			"409, REFUSED", "410, BAD_RESPONSE", "413, REFUSED", "422, REFUSED", "429, RATE_LIMITED",
			"500, UNAVAILABLE", "502, UNAVAILABLE", "503, UNAVAILABLE", "504, UNAVAILABLE" })
	void kindWhenManagementApiAnswersStatusThenClassified(int status, UpstreamException.Kind kind) {
		assertThat(this.management.kind(HttpStatusCode.valueOf(status))).isEqualTo(kind);
	}

	@ParameterizedTest
	@CsvSource({ "400, TOKEN_REJECTED", "401, TOKEN_REJECTED", "403, TOKEN_REJECTED", "404, BAD_RESPONSE",
			"429, RATE_LIMITED", "500, UNAVAILABLE", "503, UNAVAILABLE" })
	void kindWhenUserinfoAnswersStatusToCallersTokenThenClassified(int status, UpstreamException.Kind kind) {
		assertThat(this.userinfo.kind(HttpStatusCode.valueOf(status))).isEqualTo(kind);
	}

}
