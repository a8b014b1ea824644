package dev.porter.gateway.routing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.porter.gateway.problem.Problems;
import dev.porter.gateway.token.InvalidTokenChallenge;
import dev.porter.gateway.token.RelayedToken;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.transport.AddressUtils;
import reactor.util.context.Context;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.server.ServerWebExchange;

/**
 * The call to profile-service at the end of the relay: the browser's request as the
 * route's filters left it (method, raw path and query, headers, body), sent with Reactor
 * Netty's client, and the answer's status, what {@link RelayedAnswerHeaders} lets the
 * browser have of its headers, and its body written back. Hop-by-hop headers (RFC 9110
 * section 7.6.1) and {@code Host} are not passed on in either direction: the client names
 * the upstream's host itself, and each connection has its own framing. The browser's
 * credentials are not passed on either: the {@link RelayedToken}, when the route relayed
 * one, goes in their place.
 */
final class UpstreamCall {

	/** Hop-by-hop headers, and the proxy credentials no upstream should see. */
	private static final Set<String> HOP_BY_HOP = ignoringCase(Set.of("connection", "keep-alive", "transfer-encoding",
			"te", "trailer", "proxy-authorization", "proxy-authenticate", "proxy-connection", "upgrade"));

	/**
	 * What of the browser's request stays behind besides: its {@code Host} and its
	 * credentials.
	 */
	private static final Set<String> NOT_RELAYED = ignoringCase(
			Stream.of(HOP_BY_HOP, Set.of("host"), RelayedToken.BROWSER_CREDENTIALS).flatMap(Set::stream).toList());

	/**
	 * What a {@code Connection} header cannot name away: the headers that frame and type
	 * a body. The gateway relays a request body it read and checked
	 * ({@link RelayBodyFilter}) with its true length, never chunked, and as the type it
	 * was accepted as. RFC 9110 forbids naming a header meant for every recipient there;
	 * a client that does so anyway must not change what is relayed on its behalf.
	 */
	private static final Set<String> DESCRIBE_THE_BODY = ignoringCase(Set.of("content-length", "content-type"));

	private static final String PENDING_ANSWER = UpstreamCall.class.getName() + ".answer";

	private static final String REQUEST_SENT = UpstreamCall.class.getName() + ".sent";

	/** The key of the exchange in the call's Reactor context. */
	private static final String EXCHANGE = UpstreamCall.class.getName() + ".exchange";

	/** The methods that change nothing (RFC 9110 section 9.2.1). */
	private static final Set<org.springframework.http.HttpMethod> SAFE = Set.of(org.springframework.http.HttpMethod.GET,
			org.springframework.http.HttpMethod.HEAD, org.springframework.http.HttpMethod.OPTIONS,
			org.springframework.http.HttpMethod.TRACE);

	private final HttpClient client;

	/**
	 * The same client, noting when a change has been sent in full ({@link #requestSent}):
	 * only a change asks, and the note costs every request it is taken for (a connection
	 * observer of its own, a context).
	 */
	private final HttpClient changeClient;

	/**
	 * @param client the client with the relay's connection pool and timeouts
	 * @param upstream where requests go: its scheme, host and port; its path is not used
	 */
	UpstreamCall(HttpClient client, URI upstream) {
		this.client = toUpstream(client, upstream);
		this.changeClient = this.client.doAfterRequest(UpstreamCall::sent);
	}

	/** Whether a request of {@code method} may change something upstream. */
	static boolean isChange(org.springframework.http.HttpMethod method) {
		return !SAFE.contains(method);
	}

	/**
	 * Whether the request went to the upstream in full, head and body: it may have been
	 * acted on, whatever became of its answer.
	 */
	static boolean requestSent(ServerWebExchange exchange) {
		return exchange.getAttributes().containsKey(REQUEST_SENT);
	}

	/** Reactor Netty's signal that a request was written in full. */
	private static void sent(HttpClientRequest request, Connection connection) {
		request.currentContextView()
			.<ServerWebExchange>getOrEmpty(EXCHANGE)
			.ifPresent((exchange) -> exchange.getAttributes().put(REQUEST_SENT, Boolean.TRUE));
	}

	/**
	 * The client with the upstream's address and scheme set once, so that each request
	 * names only its path: given a whole URL, Reactor Netty parses it with a regular
	 * expression on every request (1.7 % of the gateway's CPU samples,
	 * docs/benchmarks.md), and given a host and a port it still builds the address again
	 * for every request (nineteenth round). TLS as a URL would have chosen it: on for
	 * {@code https}, with the client's own TLS settings if it has any, off for
	 * {@code http}.
	 */
	static HttpClient toUpstream(HttpClient client, URI upstream) {
		boolean https = "https".equalsIgnoreCase(upstream.getScheme());
		// Read from the authority: Java's URI has no host for a name with an underscore
		// (a Docker service name such as profile_service), which a whole URL reached.
		String authority = upstream.getRawAuthority();
		String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
		int colon = hostAndPort.lastIndexOf(':');
		boolean hasPort = colon > hostAndPort.lastIndexOf(']');
		String host = hasPort ? hostAndPort.substring(0, colon) : hostAndPort;
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		int port = hasPort ? Integer.parseInt(hostAndPort.substring(colon + 1)) : (https ? 443 : 80);
		// One address for every request: given a host and a port, the client builds it
		// anew for each request from its default (formatting the local address, parsing
		// the host as an IP literal). A name stays unresolved, so that each new
		// connection still asks the resolver.
		InetSocketAddress address = AddressUtils.createUnresolved(host, port);
		HttpClient addressed = client.remoteAddress(() -> address);
		if (!https) {
			return addressed.noSSL();
		}
		return addressed.configuration().isSecure() ? addressed : addressed.secure();
	}

	/**
	 * Sends the request and takes the upstream's status and headers into the response;
	 * completes once they have arrived, or fails with {@link UnexpectedInterimAnswer}
	 * (its connection closed) when the first answer is an interim one. The body is left
	 * to {@link #writeAnswer}, so that a browser that goes away while it is written is
	 * not taken for a failure of the upstream by the filters around this call.
	 */
	Mono<Void> relay(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		boolean hasBody = headers.getContentLength() > 0;
		Set<String> named;
		try {
			// Read before the call: the firewall checks a header when it is read, and
			// its refusal is the caller's own 400, not a failed call to profile-service.
			named = connectionOptions(headers.get(HttpHeaders.CONNECTION));
		}
		catch (ServerExchangeRejectedException ex) {
			return Mono.error(ex);
		}
		boolean change = isChange(request.getMethod());
		Mono<Void> call = (change ? this.changeClient : this.client)
			.request(HttpMethod.valueOf(request.getMethod().name()))
			.uri(uri(request))
			.send((out, outbound) -> {
				copyRequestHeaders(headers, named, out.requestHeaders());
				CharSequence authorization = RelayedToken.authorization(exchange);
				if (authorization != null) {
					out.requestHeaders().set(HttpHeaderNames.AUTHORIZATION, authorization);
				}
				return hasBody ? outbound.send(request.getBody().map(NettyDataBufferFactory::toByteBuf)) : outbound;
			})
			.responseConnection((answer, connection) -> {
				int status = answer.status().code();
				if (status < 200) {
					// The final answer is still on its way: back in the pool, this
					// connection would hand it to the next request, another user's.
					connection.dispose();
					return Mono.error(new UnexpectedInterimAnswer(status));
				}
				takeStatusAndHeaders(exchange.getResponse(), answer);
				// Read only on a 401: nothing more for any other answer.
				boolean refusesToken = status == HttpResponseStatus.UNAUTHORIZED.code() && InvalidTokenChallenge
					.isAmong(answer.responseHeaders().getAll(HttpHeaderNames.WWW_AUTHENTICATE));
				exchange.getAttributes().put(PENDING_ANSWER, new PendingAnswer(exchange, connection, refusesToken));
				return Mono.just(answer);
			})
			.then();
		return change ? call.contextWrite(Context.of(EXCHANGE, exchange)) : call;
	}

	/**
	 * Writes the body of the answer {@link #relay} received to the response the route's
	 * filters prepared; nothing when no answer came (a filter then wrote its own). A
	 * failure of the body fails it with {@link AnswerBodyFailed}.
	 */
	static Mono<Void> writeAnswer(ServerWebExchange exchange) {
		PendingAnswer pending = (PendingAnswer) exchange.getAttributes().remove(PENDING_ANSWER);
		return (pending != null) ? pending.write() : Mono.empty();
	}

	/**
	 * The request as the route's filters passed it to this call, when the answer
	 * {@link #relay} received refused the token it was relayed with
	 * ({@link InvalidTokenChallenge}); otherwise {@code null}. The answer stays pending:
	 * {@link #writeAnswer} writes it after all, or {@link #withdrawAnswer} takes it back
	 * for another.
	 */
	static @Nullable ServerWebExchange refusingToken(ServerWebExchange exchange) {
		PendingAnswer pending = (PendingAnswer) exchange.getAttributes().get(PENDING_ANSWER);
		return (pending != null && pending.refusesToken()) ? pending.exchange() : null;
	}

	/**
	 * Takes back the answer {@link #relay} took into the response, for one the gateway
	 * gives in its place: its connection closed, its headers removed.
	 */
	static void withdrawAnswer(ServerWebExchange exchange) {
		discardAnswer(exchange);
		RelayedAnswerHeaders.removeFrom(exchange.getResponse().getHeaders());
	}

	/**
	 * The request's raw path within the gateway and its raw query: the client knows where
	 * to send them. Not the whole path: behind a trusted proxy that names a prefix
	 * ({@code X-Forwarded-Prefix}), the prefix is the gateway's context path, which
	 * profile-service does not have.
	 */
	private static String uri(ServerHttpRequest request) {
		String path = request.getPath().pathWithinApplication().value();
		String query = request.getURI().getRawQuery();
		return (query != null) ? path + "?" + query : path;
	}

	/** Closes the connection of an answer {@link #writeAnswer} did not write. */
	static void discardAnswer(ServerWebExchange exchange) {
		PendingAnswer pending = (PendingAnswer) exchange.getAttributes().remove(PENDING_ANSWER);
		if (pending != null) {
			pending.connection().dispose();
		}
	}

	/**
	 * The answer's status, and of its headers what {@link RelayedAnswerHeaders} lets the
	 * browser have of those its {@code Connection} header does not name, and gives it
	 * besides.
	 */
	private static void takeStatusAndHeaders(ServerHttpResponse response, HttpClientResponse answer) {
		int status = answer.status().code();
		response.setStatusCode(HttpStatusCode.valueOf(status));
		HttpHeaders headers = response.getHeaders();
		Problems.challengeIfUnauthorized(status, headers);
		Set<String> named = connectionOptions(answer.responseHeaders().getAll(HttpHeaderNames.CONNECTION));
		for (Map.Entry<String, String> header : answer.responseHeaders()) {
			String name = header.getKey();
			String value = RelayedAnswerHeaders.forBrowser(name, header.getValue());
			if (value != null && !named.contains(name)) {
				headers.add(name, value);
			}
		}
	}

	/**
	 * The request's headers but those kept back, and those its {@code Connection} header
	 * {@code named}.
	 */
	private static void copyRequestHeaders(HttpHeaders from, Set<String> named,
			io.netty.handler.codec.http.HttpHeaders to) {
		from.forEach((name, values) -> {
			if (passesOn(name, NOT_RELAYED, named)) {
				to.add(name, values);
			}
		});
	}

	/**
	 * Whether a header goes on: not when the direction keeps it or the message's
	 * {@code Connection} header names it. Both sets ignore case, so no header's name is
	 * copied to lower case on a relayed request (1.5 % of the gateway's CPU samples,
	 * nineteenth round).
	 */
	private static boolean passesOn(String name, Set<String> kept, Set<String> named) {
		return !kept.contains(name) && !named.contains(name);
	}

	/**
	 * The headers the message's {@code Connection} headers name, every line of them:
	 * hop-by-hop too (RFC 9110 7.6.1), except those that {@link #DESCRIBE_THE_BODY}.
	 * Split on the comma alone, which {@link String#split} does without compiling a
	 * regular expression (every HTTP/1.1 browser request carries one), then trimmed.
	 */
	private static Set<String> connectionOptions(@Nullable List<String> connection) {
		if (connection == null || connection.isEmpty()) {
			return Set.of();
		}
		Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		for (String line : connection) {
			for (String option : line.split(",")) {
				String name = option.trim();
				if (!name.isEmpty() && !DESCRIBE_THE_BODY.contains(name)) {
					named.add(name);
				}
			}
		}
		return named;
	}

	/** The names, found whatever their case: HTTP's field names are case-insensitive. */
	static Set<String> ignoringCase(Collection<String> names) {
		Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		set.addAll(names);
		return Collections.unmodifiableSet(set);
	}

	private static DataBuffer wrap(DataBufferFactory buffers, ByteBuf buffer) {
		if (buffers instanceof NettyDataBufferFactory netty) {
			return netty.wrap(buffer);
		}
		try {
			byte[] bytes = new byte[buffer.readableBytes()];
			buffer.readBytes(bytes);
			return buffers.wrap(bytes);
		}
		finally {
			buffer.release();
		}
	}

	/**
	 * An upstream answer whose body is still to be read: the exchange the route's filters
	 * passed on (its response may be decorated) and the upstream connection, which goes
	 * back to the pool once the body is read, and is closed if the write is cancelled;
	 * {@code refusesToken} when it is a 401 that refused the relayed token.
	 */
	private record PendingAnswer(ServerWebExchange exchange, Connection connection, boolean refusesToken) {

		Mono<Void> write() {
			ServerHttpResponse response = this.exchange.getResponse();
			DataBufferFactory buffers = response.bufferFactory();
			// Retained in the one map rather than by ByteBufFlux.retain(): that
			// step's two objects per answer pay for the relay's handling of a body
			// cut short.
			Flux<DataBuffer> body = this.connection.inbound()
				.receive()
				.map((buffer) -> wrap(buffers, buffer.retain()))
				.onErrorMap(AnswerBodyFailed::new);
			return response.writeWith(body).doOnCancel(this.connection::dispose);
		}

	}

}
