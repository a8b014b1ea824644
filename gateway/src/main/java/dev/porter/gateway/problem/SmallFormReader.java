package dev.porter.gateway.problem;

import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
 * the read timeout or cut off before it was whole (as the relay answers them:
 * {@link BodyReadFailures}). An endpoint may answer a body past the cap with its own
 * problem, and log those failures at most once per interval.
 */
public final class SmallFormReader {

	private static final ResolvableType FORM_TYPE = ResolvableType.forClassWithGenerics(MultiValueMap.class,
			String.class, String.class);

	private final int maxBytes;

	private final IntFunction<ProblemDetail> tooLarge;

	private final LongSupplier reports;

	private final FormHttpMessageReader reader = new FormHttpMessageReader();

	/**
	 * A reader that answers a body past {@code maxBytes} with
	 * {@link Problems#bodyTooLarge} and logs each failure to read a body.
	 */
	public SmallFormReader(int maxBytes) {
		this(maxBytes, Problems::bodyTooLarge, BodyReadFailures.EACH);
	}

	/**
	 * @param maxBytes the most a form may take
	 * @param tooLarge the problem for a body past {@code maxBytes}, given the cap
	 * @param reports when a failure to read the body is logged, as
	 * {@link BodyReadFailures} takes it: {@link BodyReadFailures#EACH}, or at most once
	 * per interval for an endpoint open to anyone
	 */
	public SmallFormReader(int maxBytes, IntFunction<ProblemDetail> tooLarge, LongSupplier reports) {
		this.maxBytes = maxBytes;
		this.tooLarge = tooLarge;
		this.reports = reports;
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
		return BodyReadFailures.answered(this.reader.readMono(FORM_TYPE, request, Map.of())
			.onErrorMap(DataBufferLimitException.class, this::tooLarge)
			// URLDecoder's answer to a bad percent-escape (_csrf=%zz).
			.onErrorMap(IllegalArgumentException.class, (ex) -> new ProblemException(Problems.invalidForm(field), ex)),
				"form body", request.getPath(), this.reports);
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

	private ProblemException tooLarge(@Nullable Throwable cause) {
		return new ProblemException(this.tooLarge.apply(this.maxBytes), cause);
	}

}
