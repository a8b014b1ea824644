package dev.porter.devidp.backchannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.porter.testsupport.Eventually;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A relying party's back-channel logout endpoint on a loopback port: it records every
 * request, and answers {@code 200} either at once or only once a test releases it (a
 * receiver that hangs). Deliveries are told apart by the {@code sid} of their logout
 * token, so that a late one from another test cannot be mistaken for this test's.
 */
final class LogoutReceiver implements AutoCloseable {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

	private final CountDownLatch answer;

	private LogoutReceiver(int port, boolean hold) {
		this.answer = new CountDownLatch(hold ? 1 : 0);
		try {
			this.server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::receive);
		this.server.start();
	}

	/** A receiver that answers {@code 200} to every delivery at once. */
	static LogoutReceiver answering(int port) {
		return new LogoutReceiver(port, false);
	}

	/** A receiver that answers nothing until {@link #answer()}. */
	static LogoutReceiver holdingAnswers(int port) {
		return new LogoutReceiver(port, true);
	}

	/** Lets a holding receiver answer what it holds, and all that comes after. */
	void answer() {
		this.answer.countDown();
	}

	/** Every delivery whose logout token names this session, in arrival order. */
	List<Delivery> deliveriesFor(String sid) {
		return this.deliveries.stream().filter((delivery) -> sid.equals(delivery.sid())).toList();
	}

	/** Waits, bounded, for the first delivery for this session. */
	Delivery awaitDeliveryFor(String sid) {
		Eventually.await("a back-channel logout delivery for the session", PATIENCE,
				() -> !deliveriesFor(sid).isEmpty());
		return deliveriesFor(sid).get(0);
	}

	@Override
	public void close() {
		answer();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void receive(HttpExchange exchange) throws IOException {
		try {
			this.deliveries.add(Delivery.from(exchange));
			this.answer.await();
			exchange.sendResponseHeaders(200, -1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			exchange.close();
		}
	}

	/** One request as the receiver saw it, its form body decoded. */
	record Delivery(String method, String path, @Nullable String contentType, Map<String, String> form) {

		private static final JsonMapper MAPPER = JsonMapper.builder().build();

		static Delivery from(HttpExchange exchange) throws IOException {
			String body;
			try (InputStream in = exchange.getRequestBody()) {
				body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			return new Delivery(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("Content-Type"), form(body));
		}

		@Nullable String logoutToken() {
			return this.form.get("logout_token");
		}

		/** The {@code sid} the logout token carries, read without verifying it. */
		@Nullable String sid() {
			String token = logoutToken();
			if (token == null || token.split("\\.").length != 3) {
				return null;
			}
			JsonNode sid = MAPPER
				.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
				.get("sid");
			return (sid != null) ? sid.asString() : null;
		}

		private static Map<String, String> form(String body) {
			Map<String, String> form = new LinkedHashMap<>();
			if (body.isEmpty()) {
				return form;
			}
			for (String pair : body.split("&")) {
				String[] nameValue = pair.split("=", 2);
				form.put(decode(nameValue[0]), (nameValue.length > 1) ? decode(nameValue[1]) : "");
			}
			return form;
		}

		private static String decode(String value) {
			return URLDecoder.decode(value, StandardCharsets.UTF_8);
		}

	}

}
