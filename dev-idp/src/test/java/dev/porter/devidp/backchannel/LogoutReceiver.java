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
 *
 * <p>
 * One per JVM, bound from the first use to the JVM's exit: dev-idp is told its port when
 * its context starts, and a port let go and bound again minutes later may meanwhile have
 * been taken by another JVM's listener or outgoing connection. Between tests, and in a
 * test that opens none, it takes each delivery's request and closes the connection
 * without an answer: the delivery fails as one to an unreachable receiver does.
 */
public final class LogoutReceiver implements AutoCloseable {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static final LogoutReceiver INSTANCE = new LogoutReceiver();

	private final HttpServer server;

	private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

	/** {@code null} while no test has the receiver open: deliveries fail. */
	private volatile @Nullable CountDownLatch answer;

	private LogoutReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "logout-receiver");
			thread.setDaemon(true);
			return thread;
		}));
		this.server.createContext("/", this::receive);
		this.server.start();
	}

	/** The loopback port the receiver listens on, for the JVM's whole run. */
	public static int port() {
		return INSTANCE.server.getAddress().getPort();
	}

	/** The receiver, answering {@code 200} to every delivery at once. */
	static LogoutReceiver answering() {
		return INSTANCE.open(new CountDownLatch(0));
	}

	/** The receiver, answering nothing until {@link #answer()}. */
	static LogoutReceiver holdingAnswers() {
		return INSTANCE.open(new CountDownLatch(1));
	}

	private LogoutReceiver open(CountDownLatch answer) {
		this.deliveries.clear();
		this.answer = answer;
		return this;
	}

	/** Lets a holding receiver answer what it holds, and all that comes after. */
	void answer() {
		CountDownLatch latch = this.answer;
		if (latch != null) {
			latch.countDown();
		}
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

	/**
	 * Answers what it holds, and fails the deliveries that come next, until a test opens
	 * the receiver again; it stays bound.
	 */
	@Override
	public void close() {
		answer();
		this.answer = null;
	}

	private void receive(HttpExchange exchange) throws IOException {
		try {
			CountDownLatch latch = this.answer;
			if (latch == null) {
				// Closed without an answer: the delivery fails.
				return;
			}
			this.deliveries.add(Delivery.from(exchange));
			latch.await();
			// Never kept alive: dev-idp's client would reuse a connection only this
			// receiver might have dropped meanwhile, and a POST is not sent again.
			exchange.getResponseHeaders().set("Connection", "close");
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
