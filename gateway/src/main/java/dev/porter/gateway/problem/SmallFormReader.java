package dev.porter.gateway.problem;

import java.util.Map;
import java.util.function.Consumer;

import io.netty.channel.ChannelException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.codec.FormHttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;

/**
 * Reads an {@code application/x-www-form-urlencoded} body of a few fields, for the forms
 * the gateway answers itself. What the sender got wrong is answered as its own mistake,
 * never as a 500 with an ERROR and a stack trace, which anyone could cause at will
 * through {@code exchange.getFormData()}: a body past {@code maxBytes} ({@code 413}, with
 * or without a {@code Content-Length}: the reader stops at the cap, where
 * {@code getFormData()} buffers up to the codecs' far larger limit), a bad percent-escape
 * ({@code 400} naming the field the endpoint reads), a body that does not arrive within
 * the read timeout ({@code 408}, as the relay answers it), a connection closed before the
 * body was whole ({@code 400}, to no one).
 */
public final class SmallFormReader {

	private static final ResolvableType FORM_TYPE = ResolvableType.forClassWithGenerics(MultiValueMap.class,
			String.class, String.class);

	/** Reactor's context key for a local dropped-error handler ({@code Hooks}). */
	private static final String ON_ERROR_DROPPED = "reactor.onErrorDropped.local";

	private static final Logger log = LoggerFactory.getLogger(SmallFormReader.class);

	private final int maxBytes;

	private final FormHttpMessageReader reader = new FormHttpMessageReader();

	public SmallFormReader(int maxBytes) {
		this.maxBytes = maxBytes;
		this.reader.setMaxInMemorySize(maxBytes);
	}

	/**
	 * The request's form; empty when its body is not declared as one (no
	 * {@code Content-Type}, another type, or one that does not parse, as
	 * {@code getFormData()} has it).
	 * @param request the request, whose body this reads
	 * @param field the field the endpoint reads, for a problem to name
	 * @return the form, or an error carrying the sender's problem
	 */
	public Mono<MultiValueMap<String, String>> read(ServerHttpRequest request, String field) {
		if (!isForm(request)) {
			return Mono.empty();
		}
		if (request.getHeaders().getContentLength() > this.maxBytes) {
			return Mono.error(tooLarge(null));
		}
		return this.reader.readMono(FORM_TYPE, request, Map.of())
			.onErrorMap(DataBufferLimitException.class, this::tooLarge)
			// URLDecoder's answer to a bad percent-escape (_csrf=%zz).
			.onErrorMap(IllegalArgumentException.class, (ex) -> new ProblemException(Problems.invalidForm(field), ex))
			// The read timeout (or another failure of the connection) while the body was
			// still arriving: the client is slow or declared more than it sent.
			.onErrorMap(ChannelException.class, (ex) -> {
				log.info("form body incomplete after the read timeout; answered 408 path={}", request.getPath());
				return new ProblemException(Problems.requestTimeout(), ex);
			})
			// The client closed the connection before its body was whole: no one is left
			// to
			// read the answer, but it must not be a 500 with an ERROR.
			.onErrorMap(ClientGone::test, (ex) -> new ProblemException(Problems.bodyIncomplete(), ex))
			.contextWrite(Context.of(ON_ERROR_DROPPED, (Consumer<Throwable>) SmallFormReader::errorDropped));
	}

	private static boolean isForm(ServerHttpRequest request) {
		try {
			MediaType type = request.getHeaders().getContentType();
			return type != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/**
	 * Once the 408 is sent, Reactor Netty disposes the request's inbound and signals the
	 * same timeout again to the body's (already terminated) reader, which Reactor reports
	 * as a dropped error at ERROR level. That repeat is expected, so it is logged at
	 * debug; anything else dropped goes to Reactor's default handling.
	 */
	private static void errorDropped(Throwable error) {
		if (error instanceof ChannelException || ClientGone.test(error)) {
			log.debug("form body failure signalled again after the answer: {}", error.toString());
		}
		else {
			Operators.onErrorDropped(error, Context.empty());
		}
	}

	private ProblemException tooLarge(@Nullable Throwable cause) {
		return new ProblemException(Problems.bodyTooLarge(this.maxBytes), cause);
	}

}
