package dev.porter.gateway.bff;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A request's {@code Accept} and {@code Content-Type} where they only choose the form of
 * an answer (a redirect or a problem, JSON or not): one that does not parse says nothing,
 * and never fails the request. Spring's parsers throw on them, and an anonymous client
 * sending {@code Accept: text/html;q=x} got a 500 and an ERROR with a stack trace per
 * request.
 */
public final class RequestMediaTypes {

	private RequestMediaTypes() {
	}

	/** The accepted types; none when the header does not parse. */
	public static List<MediaType> accepted(HttpHeaders headers) {
		try {
			return headers.getAccept();
		}
		catch (InvalidMediaTypeException ex) {
			return List.of();
		}
	}

	/** The body's type; {@code null} when there is none or it does not parse. */
	public static @Nullable MediaType contentType(HttpHeaders headers) {
		try {
			return headers.getContentType();
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

}
