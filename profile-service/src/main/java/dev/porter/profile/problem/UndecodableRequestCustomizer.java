package dev.porter.profile.problem;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.porter.common.UndecodableRequestHandler;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Puts an {@link UndecodableRequestHandler} on every HTTP/1.1 connection, so that the
 * requests Reactor Netty refuses before Spring sees them (414, 431, 400) are answered
 * with problem+json like every other error of this API.
 */
@Component
class UndecodableRequestCustomizer implements NettyServerCustomizer {

	private final Map<Integer, byte[]> problems;

	UndecodableRequestCustomizer(JsonMapper mapper) {
		Map<Integer, byte[]> problems = new LinkedHashMap<>();
		for (HttpStatus status : new HttpStatus[] { HttpStatus.BAD_REQUEST, HttpStatus.URI_TOO_LONG,
				HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE }) {
			problems.put(status.value(), mapper.writeValueAsBytes(Problems.undecodableRequest(status)));
		}
		this.problems = Map.copyOf(problems);
	}

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline()
					.addAfter(NettyPipeline.HttpCodec, UndecodableRequestHandler.NAME,
							new UndecodableRequestHandler(this.problems));
			}
		});
	}

}
