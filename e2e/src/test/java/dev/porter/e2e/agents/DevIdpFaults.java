package dev.porter.e2e.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * dev-idp's fault switches ({@code PUT /dev/faults/{group}}, {@code DELETE /dev/faults}),
 * for journeys that show what the user sees while an upstream is down.
 */
public final class DevIdpFaults {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI devIdp;

	public DevIdpFaults(URI devIdp) {
		this.devIdp = devIdp;
	}

	/**
	 * Every call of the group ({@code management}, {@code userinfo}, {@code token}) fails
	 * with 503.
	 */
	public void failAll(String group) {
		send(HttpRequest.newBuilder(this.devIdp.resolve("/dev/faults/" + group))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"error_rate\":1.0,\"error_status\":503}")));
	}

	/**
	 * Every call of the group answers only after {@code latency} (dev-idp still does the
	 * work afterwards: a refresh rotates the token even when the caller gave up).
	 */
	public void slowDown(String group, Duration latency) {
		send(HttpRequest.newBuilder(this.devIdp.resolve("/dev/faults/" + group))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"latency_ms\":" + latency.toMillis() + "}")));
	}

	public void clear() {
		send(HttpRequest.newBuilder(this.devIdp.resolve("/dev/faults")).DELETE());
	}

	private void send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.client.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() / 100 != 2) {
				throw new IllegalStateException("dev-idp refused the fault switch: " + response.statusCode());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
