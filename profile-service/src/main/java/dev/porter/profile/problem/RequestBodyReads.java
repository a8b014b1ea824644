package dev.porter.profile.problem;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import dev.porter.common.CutOffBodies;
import dev.porter.common.OncePerInterval;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Watches the reading of a request's body for what its sender can make it end with, and
 * has it answered as the sender's doing, never as a 500 with an ERROR line and a stack
 * trace, which anyone holding a token could cause at will (the body is read before the
 * controller runs, so the caller's rate limit never applies):
 * <ul>
 * <li>a connection closed or reset before the body was whole: {@code 400}
 * ({@link RequestBodyIncompleteException}), told apart, as the gateway does, by common
 * {@link CutOffBodies}, and so is its repeat once the answer is sent; only the body's own
 * reading is watched, so an upstream call's {@code IOException} is never taken for
 * one;</li>
 * <li>a body still arriving when the request deadline passes (trickled, or shorter than
 * its {@code Content-Length}): {@code 408} ({@link RequestBodyTimeoutException}), which
 * the deadline asks {@link #timedOut} for.</li>
 * </ul>
 * A gateway stopped mid-relay, or a proxy's timeout, looks the same, so both are the
 * operator's to see: at INFO, each kind at most once per interval with a count, without a
 * stack trace. A request without a body is passed on untouched.
 */
@Component
public class RequestBodyReads implements WebFilter {

	static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final String ARRIVING = RequestBodyReads.class.getName() + ".arriving";

	private static final Logger log = LoggerFactory.getLogger(RequestBodyReads.class);

	/** The same for every request: built once. */
	private static final Context REPEATS_AT_DEBUG = CutOffBodies
		.repeatsAtDebug(RequestBodyIncompleteException.class::isInstance);

	private final OncePerInterval cutOff;

	private final OncePerInterval timedOut;

	// A web slice test has no Clock bean; the system's serves it.
	@Autowired
	RequestBodyReads(ObjectProvider<Clock> clock) {
		this(clock.getIfAvailable(Clock::systemUTC));
	}

	public RequestBodyReads(Clock clock) {
		this.cutOff = OncePerInterval.of(LOG_INTERVAL, clock);
		this.timedOut = OncePerInterval.of(LOG_INTERVAL, clock);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		if (headers.getContentLength() <= 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public Flux<DataBuffer> getBody() {
				return watched(super.getBody(), exchange);
			}

		};
		return chain.filter(exchange.mutate().request(request).build())
			// Once the answer is sent, the read's failure is signalled again: as it was
			// answered too.
			.contextWrite(REPEATS_AT_DEBUG);
	}

	/**
	 * Whether the request's body was being read, and had not all arrived, when the
	 * request's handling was cancelled (by its deadline).
	 */
	public static boolean stillArriving(ServerWebExchange exchange) {
		return exchange.getAttribute(ARRIVING) != null;
	}

	/**
	 * The answer to a request whose body was {@link #stillArriving still arriving} when
	 * its deadline passed; counted, and logged when a line is due.
	 */
	public RequestBodyTimeoutException timedOut(ServerWebExchange exchange) {
		long count = this.timedOut.count();
		if (count > 0) {
			log.info("request body still arriving when the request deadline passed; answered 408 {}{}",
					RoutedEndpoints.of(exchange), since(count));
		}
		return new RequestBodyTimeoutException();
	}

	// The mark is left by a cancellation (the deadline's): the body had not all arrived.
	private Flux<DataBuffer> watched(Flux<DataBuffer> body, ServerWebExchange exchange) {
		return body.doOnSubscribe((subscription) -> exchange.getAttributes().put(ARRIVING, Boolean.TRUE))
			.doOnTerminate(() -> exchange.getAttributes().remove(ARRIVING))
			.onErrorMap(CutOffBodies::senderGone, (ex) -> cutOff(ex, exchange));
	}

	private RequestBodyIncompleteException cutOff(Throwable ex, ServerWebExchange exchange) {
		long count = this.cutOff.count();
		if (count > 0) {
			log.info("request body cut off by the caller or a proxy ({}); answered 400 {}{}",
					ex.getClass().getSimpleName(), RoutedEndpoints.of(exchange), since(count));
		}
		boolean sized = exchange.getRequest().getHeaders().getContentLength() >= 0;
		return new RequestBodyIncompleteException(sized ? HttpHeaders.CONTENT_LENGTH : HttpHeaders.TRANSFER_ENCODING,
				ex);
	}

	private static String since(long count) {
		return " (" + count + " since the last report)";
	}

}
