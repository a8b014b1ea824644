package dev.porter.testsupport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock server's answers a test holds back: the request arrives, and its answer
 * leaves only once the test releases it. A step of the service under test that waits on
 * that server is held at a known point, without sleeping for it, and an answer can be
 * made to leave after another one however fast or slow the machine. Registered as an
 * extension of the server ({@code options().extensions(heldAnswers)}).
 */
public final class HeldAnswers implements ResponseDefinitionTransformerV2 {

	/** A hold the test forgot to release still ends, long after any service timeout. */
	private static final long LONGEST_HOLD_SECONDS = 30;

	/** The holds whose request has not come yet: each takes the first that matches. */
	private final List<HeldAnswer> holds = new CopyOnWriteArrayList<>();

	/** Every hold since the last {@link #releaseAll}, its request come or not. */
	private final List<HeldAnswer> added = new CopyOnWriteArrayList<>();

	/**
	 * Holds the answer to the next request whose path starts with {@code path} and whose
	 * body contains {@code bodyPart} ({@code ""}: any).
	 */
	public HeldAnswer add(String path, String bodyPart) {
		HeldAnswer hold = new HeldAnswer(path, bodyPart);
		this.added.add(hold);
		this.holds.add(hold);
		return hold;
	}

	/**
	 * Releases and forgets every hold, those whose request is being held included: one a
	 * failed test left (its release skipped, or its request never came) would otherwise
	 * hold up a later test's call.
	 */
	public void releaseAll() {
		this.holds.clear();
		for (HeldAnswer hold : this.added) {
			hold.release();
		}
		this.added.clear();
	}

	@Override
	public ResponseDefinition transform(ServeEvent event) {
		Request request = event.getRequest();
		for (HeldAnswer hold : this.holds) {
			// Each hold takes one request, the first that matches.
			if (hold.matches(request.getUrl(), request.getBodyAsString()) && this.holds.remove(hold)) {
				hold.reached().complete(null);
				waitFor(hold.released());
				break;
			}
		}
		return event.getResponseDefinition();
	}

	private static void waitFor(CompletableFuture<Void> released) {
		try {
			released.get(LONGEST_HOLD_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Answered all the same.
		}
	}

	@Override
	public boolean applyGlobally() {
		return true;
	}

	@Override
	public String getName() {
		return "held-answers";
	}

}
