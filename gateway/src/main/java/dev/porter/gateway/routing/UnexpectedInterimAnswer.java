package dev.porter.gateway.routing;

/**
 * The upstream sent an interim ({@code 1xx}) answer where the relay reads the final one.
 * Reactor Netty passes over {@code 100 Continue} only; any other is decoded as a whole
 * answer while the final one is still to come on the same connection. The relay sends no
 * {@code Upgrade}, so no {@code 101} is asked for either: the upstream is at fault, and
 * the call counts as failed, like one whose connection was lost.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-15.2">RFC 9110, 15.2
 * Informational 1xx</a>
 */
final class UnexpectedInterimAnswer extends RuntimeException {

	UnexpectedInterimAnswer(int status) {
		super("upstream answered " + status + " as its final answer", null, false, false);
	}

}
