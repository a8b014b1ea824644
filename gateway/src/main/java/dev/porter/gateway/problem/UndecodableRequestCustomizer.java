package dev.porter.gateway.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.common.UndecodableRequestHandler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Puts an {@link UndecodableRequestHandler} on every HTTP/1.1 connection, so that the
 * requests Reactor Netty refuses before Spring sees them (414, 431, 400) are answered
 * with problem+json like every other error of the gateway, and behind it the
 * {@link BrowserRequestTargetHandler}, so that a target as browsers send it reaches
 * Spring percent-encoded. Body read timeouts are another customizer's job.
 */
@Component
class UndecodableRequestCustomizer implements NettyServerCustomizer {

	private static final BrowserRequestTargetHandler BROWSER_REQUEST_TARGETS = new BrowserRequestTargetHandler();

	private final Map<Integer, byte[]> problems;

	UndecodableRequestCustomizer(JsonMapper mapper) {
		Map<Integer, byte[]> problems = new LinkedHashMap<>();
		for (HttpStatus status : new HttpStatus[] { HttpStatus.BAD_REQUEST, HttpStatus.URI_TOO_LONG,
				HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE }) {
			problems.put(status.value(), mapper.writeValueAsBytes(body(Problems.undecodableRequest(status))));
		}
		this.problems = Map.copyOf(problems);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline()
					.addAfter(NettyPipeline.HttpCodec, UndecodableRequestHandler.NAME,
							new UndecodableRequestHandler(this.problems))
					.addAfter(UndecodableRequestHandler.NAME, BrowserRequestTargetHandler.NAME,
							BROWSER_REQUEST_TARGETS);
			}
		});
	}

	// The same members ProblemWriter writes, less "instance": the request was not read.
	private static Map<String, Object> body(ProblemDetail problem) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		return body;
	}

}
