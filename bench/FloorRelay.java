import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.file.Files;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * The floor of a relay on the gateway's own transport, for bench/relay.sh's {@code floor} target: Reactor Netty's
 * server and client, nothing else. It relays every request's path to {@code UPSTREAM} as a {@code GET} with a fixed
 * bearer token (read from {@code TOKEN_FILE}, as nginx's target has it in its configuration) and answers the upstream's
 * status, content type and whole body, as the gateway does for {@code GET /me}. No session, CSRF, rate limit, breaker,
 * security headers or metrics: what it costs is what any relay on this JVM and transport costs before it does any of
 * the gateway's work. {@code FLOOR_SPIN_MICROS}, when set, makes it busy for that long on every relayed request, half
 * before the upstream call and half after the answer, the way the gateway's own work is split: a floor that costs the
 * gateway's CPU per request, to tell how much of the gateway's latency that CPU alone explains. {@code GET /readyz}
 * answers 200 once it listens. Run by source-file mode ({@code java -cp
 * <gateway's Reactor Netty jars> bench/FloorRelay.java}); not part of the build.
 */
public final class FloorRelay {

	private FloorRelay() {
	}

	public static void main(String[] args) throws Exception {
		long spinNanos = Long.parseLong(System.getenv().getOrDefault("FLOOR_SPIN_MICROS", "0")) * 1000 / 2;
		int port = Integer.parseInt(System.getenv("PORT"));
		String bearer = "Bearer " + Files.readString(Path.of(System.getenv("TOKEN_FILE"))).trim();
		HttpClient upstream = HttpClient.create()
			.baseUrl(System.getenv("UPSTREAM"))
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer)
				.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON));
		HttpServer.create().host("127.0.0.1").port(port).handle((request, response) -> {
			if (request.uri().equals("/readyz")) {
				return response.sendString(Mono.just("ready")).then();
			}
			spin(spinNanos);
			return upstream.get().uri(request.uri()).responseSingle((answer, body) -> body.retain().map((bytes) -> {
				spin(spinNanos);
				response.status(answer.status());
				String type = answer.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
				if (type != null) {
					response.header(HttpHeaderNames.CONTENT_TYPE, type);
				}
				response.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.readableBytes()));
				return bytes;
			})).flatMap((bytes) -> response.send(Mono.just(bytes)).then());
		}).bindNow().onDispose().block();
	}

	/**
	 * Keeps the calling thread busy for the given time; returns at once when it is 0, so that the plain floor does no
	 * more than before. The loop's condition reads the clock, which the JIT cannot take out of the loop.
	 */
	private static void spin(long nanos) {
		if (nanos <= 0) {
			return;
		}
		long end = System.nanoTime() + nanos;
		while (System.nanoTime() < end) {
			// busy on purpose: the point is to spend the CPU
		}
	}

}
