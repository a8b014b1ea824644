package dev.porter.gateway.csrf;

import java.util.Optional;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.problem.SmallFormReader;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.ProblemDetail;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the submitted token from the {@code X-XSRF-TOKEN} header, and from a
 * {@code _csrf} form field only on {@code POST /bff/logout}, the one form the gateway
 * answers itself. Reading a form field consumes the request body: on a relayed path the
 * relay would then forward a {@code Content-Length} with no body, and profile-service
 * would read the next request on that pooled connection — another user's — as its tail.
 * The raw token is compared (no XOR masking): BREACH masking protects tokens rendered
 * into HTML, which an SPA's cookie is not.
 * <p>
 * The logout's form is read by a {@link SmallFormReader}, not
 * {@code exchange.getFormData()}: a form that does not decode, is larger than one field
 * needs or does not arrive in time is the sender's mistake. Such a form yields no token,
 * and the refusal answers why ({@link #refusal}), not with a failure: Spring Security
 * asks for the token inside Reactor's {@code filterWhen}, which passes a failure on and
 * also reports it dropped, at ERROR.
 */
final class HeaderCsrfTokenRequestHandler extends ServerCsrfTokenRequestAttributeHandler {

	/**
	 * Far above a form that carries one {@code _csrf} field (the browser's logout form),
	 * far below what it costs to buffer.
	 */
	static final int MAX_FORM_BYTES = 4 * 1024;

	private static final ServerWebExchangeMatcher FORM_ENDPOINT = ServerWebExchangeMatchers
		.pathMatchers(HttpMethod.POST, "/bff/logout");

	private static final SmallFormReader FORM_READER = new SmallFormReader(MAX_FORM_BYTES);

	private static final String UNREADABLE_FORM = HeaderCsrfTokenRequestHandler.class.getName() + ".UNREADABLE_FORM";

	/**
	 * Why a request's token was refused: its form could not be read (that problem), or
	 * the token was missing or wrong.
	 */
	static ProblemDetail refusal(ServerWebExchange exchange) {
		ProblemException unreadable = exchange.getAttribute(UNREADABLE_FORM);
		return (unreadable != null) ? unreadable.getBody() : Problems.csrfRejected();
	}

	@Override
	public Mono<String> resolveCsrfTokenValue(ServerWebExchange exchange, CsrfToken csrfToken) {
		Mono<String> fromHeader = Mono
			.justOrEmpty(exchange.getRequest().getHeaders().getFirst(csrfToken.getHeaderName()));
		return FORM_ENDPOINT.matches(exchange)
			.flatMap((match) -> match.isMatch() ? fromForm(exchange, csrfToken.getParameterName(), fromHeader)
					: fromHeader);
	}

	/**
	 * The form's field; the header when the body is no form or lacks the field; nothing
	 * when the form cannot be read.
	 */
	private static Mono<String> fromForm(ServerWebExchange exchange, String field, Mono<String> fromHeader) {
		return FORM_READER.read(exchange.getRequest(), field)
			.map((form) -> Optional.ofNullable(form.getFirst(field)))
			.defaultIfEmpty(Optional.empty())
			.flatMap((value) -> value.map(Mono::just).orElse(fromHeader))
			.onErrorResume(ProblemException.class, (unreadable) -> {
				exchange.getAttributes().put(UNREADABLE_FORM, unreadable);
				return Mono.empty();
			});
	}

}
