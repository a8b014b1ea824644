package dev.porter.gateway.config;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;

/**
 * The server's exception handlers as one: each is asked in turn, the next only when the
 * one before fails too, and the exchange's
 * {@link ExceptionHandlingWebHandler#HANDLED_WEB_EXCEPTION} names the error the last one
 * was given, as Spring's {@link ExceptionHandlingWebHandler} does with a list. That
 * handler assembles two operators per exception handler around every request, whether it
 * fails or not; here the handlers' turns are only assembled once an error has come.
 */
final class ExceptionHandlersInTurn implements WebExceptionHandler {

	private final List<WebExceptionHandler> handlers;

	ExceptionHandlersInTurn(List<WebExceptionHandler> handlers) {
		this.handlers = List.copyOf(handlers);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		Mono<Void> handled = Mono.error(error);
		for (WebExceptionHandler handler : this.handlers) {
			handled = handled
				.doOnError(
						(next) -> exchange.getAttributes().put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION, next))
				.onErrorResume((next) -> handler.handle(exchange, next));
		}
		return handled;
	}

}
