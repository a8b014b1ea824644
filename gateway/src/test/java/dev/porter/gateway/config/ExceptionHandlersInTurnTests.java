package dev.porter.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's exception handlers as one must answer every request as Spring's list of
 * them does: the same handlers asked in the same order, the same error recorded on the
 * exchange, the same status, the same error left over when none could answer.
 */
class ExceptionHandlersInTurnTests {

	private static final IllegalStateException FAILURE = new IllegalStateException("request failed");

	/** How each of three handlers behaves, and whether the request itself fails. */
	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of(false, List.of("answers", "answers", "answers")),
				Arguments.of(true, List.of("answers", "answers", "answers")),
				Arguments.of(true, List.of("passes", "answers", "answers")),
				Arguments.of(true, List.of("passes", "passes", "answers")),
				Arguments.of(true, List.of("passes", "passes", "passes")),
				Arguments.of(true, List.of("fails anew", "answers", "answers")),
				Arguments.of(true, List.of("passes", "throws", "answers")),
				Arguments.of(true, List.of("throws", "answers", "answers")),
				Arguments.of(true, List.of("fails anew", "passes", "throws")));
	}

	@ParameterizedTest
	@MethodSource("cases")
	void handleWhenHandlersAnswerPassOrFailThenTheSameOutcomeAsSpringsList(boolean requestFails,
			List<String> behaviours) {
		Run spring = new Run(behaviours);
		Run porter = new Run(behaviours);

		Outcome expected = spring.handle(spring.handlers(), requestFails);
		Outcome actual = porter.handle(List.of(new ExceptionHandlersInTurn(porter.handlers())), requestFails);

		assertThat(actual).isEqualTo(expected);
	}

	record Outcome(List<String> asked, HttpStatusCode status, String recorded, String leftOver) {
	}

	private static final class Run {

		private final List<String> behaviours;

		private final List<String> asked = new ArrayList<>();

		Run(List<String> behaviours) {
			this.behaviours = behaviours;
		}

		List<WebExceptionHandler> handlers() {
			List<WebExceptionHandler> handlers = new ArrayList<>();
			for (int i = 0; i < this.behaviours.size(); i++) {
				handlers.add(handler(i, this.behaviours.get(i)));
			}
			return handlers;
		}

		Outcome handle(List<WebExceptionHandler> handlers, boolean requestFails) {
			WebHandler request = (exchange) -> requestFails ? Mono.error(FAILURE) : Mono.empty();
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/me"));
			String leftOver;
			try {
				new ExceptionHandlingWebHandler(request, handlers).handle(exchange).block();
				leftOver = "none";
			}
			catch (RuntimeException ex) {
				leftOver = ex.getMessage();
			}
			Throwable recorded = exchange.getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION);
			return new Outcome(List.copyOf(this.asked), exchange.getResponse().getStatusCode(),
					(recorded != null) ? recorded.getMessage() : "none", leftOver);
		}

		private WebExceptionHandler handler(int index, String behaviour) {
			return (exchange, error) -> {
				this.asked.add(index + " " + error.getMessage());
				return switch (behaviour) {
					case "answers" -> {
						exchange.getResponse().setStatusCode(HttpStatus.valueOf(500 + index));
						yield Mono.empty();
					}
					case "passes" -> Mono.error(error);
					case "fails anew" -> Mono.error(new IllegalArgumentException("handler " + index + " failed"));
					case "throws" -> throw new IllegalArgumentException("handler " + index + " threw");
					default -> throw new IllegalArgumentException(behaviour);
				};
			};
		}

	}

}
