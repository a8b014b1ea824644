package dev.porter.testsupport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One answer of a WireMock server held back ({@link HeldAnswers#add}): {@code reached}
 * once its request arrived; it leaves once {@link #release released}.
 *
 * @param path the start of the path of the request held
 * @param bodyPart what the request's body contains (empty: any body)
 * @param reached completed once the request has arrived
 * @param released completed once the test lets the answer leave
 */
public record HeldAnswer(String path, String bodyPart, CompletableFuture<Void> reached,
		CompletableFuture<Void> released) {

	HeldAnswer(String path, String bodyPart) {
		this(path, bodyPart, new CompletableFuture<>(), new CompletableFuture<>());
	}

	boolean matches(String url, String body) {
		return url.startsWith(this.path) && body.contains(this.bodyPart);
	}

	/** Waits until the held request has arrived at the server. */
	public void awaitReached() throws Exception {
		this.reached.get(10, TimeUnit.SECONDS);
	}

	public void release() {
		this.released.complete(null);
	}

}
