package dev.porter.gateway.problem;

import dev.porter.gateway.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;

class ProblemExceptionHandlerTests extends GatewayTestSupport {

	@Test
	void getWhenStaticResourceMissingThenNotFoundProblemNotServerError() {
		this.client.get()
			.uri("/no-such-file.css")
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404)
			.jsonPath("$.trace")
			.doesNotExist();
	}

}
