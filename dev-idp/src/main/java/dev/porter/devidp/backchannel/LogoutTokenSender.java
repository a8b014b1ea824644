package dev.porter.devidp.backchannel;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an application that a user's IdP session ended, as Auth0's back-channel logout
 * does: {@code POST} of {@code logout_token=<JWT>} as a form to each of the client's
 * back-channel logout URLs. Asynchronous and bounded, so that the logout that triggered
 * it never waits for an application: each delivery has {@code timeout} to connect and be
 * answered, and one that fails is logged once and never retried (Auth0 does not retry
 * either).
 *
 * @see <a href=
 * "https://auth0.com/docs/authenticate/login/logout/back-channel-logout">Auth0:
 * back-channel logout</a>
 */
public final class LogoutTokenSender {

	private static final Logger log = LoggerFactory.getLogger(LogoutTokenSender.class);

	private final BackChannelLogoutUrls urls;

	private final LogoutTokens tokens;

	private final HttpClient http;

	private final Duration timeout;

	LogoutTokenSender(BackChannelLogoutUrls urls, LogoutTokens tokens, HttpClient http, Duration timeout) {
		this.urls = urls;
		this.tokens = tokens;
		this.http = http;
		this.timeout = timeout;
	}

	/**
	 * Starts delivering a logout token for the session {@code sid} of {@code subject} to
	 * the client's back-channel logout URLs, and returns at once. The future completes
	 * once every delivery was answered or failed; it never completes exceptionally, and
	 * at once when the client has no back-channel logout URL.
	 */
	public CompletableFuture<Void> send(String clientId, String sid, String subject) {
		List<URI> targets = this.urls.of(clientId);
		if (targets.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		try {
			String form = "logout_token="
					+ URLEncoder.encode(this.tokens.mint(clientId, sid, subject), StandardCharsets.UTF_8);
			return CompletableFuture
				.allOf(targets.stream().map((url) -> post(clientId, sid, url, form)).toArray(CompletableFuture[]::new));
		}
		catch (RuntimeException ex) {
			// Whatever goes wrong here must not fail the logout that asked for it.
			log.warn("back-channel logout failed client={} sid={} error={}", clientId, sid, ex.toString());
			return CompletableFuture.completedFuture(null);
		}
	}

	private CompletableFuture<Void> post(String clientId, String sid, URI url, String form) {
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(this.timeout)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
			.handle((response, error) -> logged(clientId, sid, url, response, error));
	}

	private static @Nullable Void logged(String clientId, String sid, URI url, @Nullable HttpResponse<Void> response,
			@Nullable Throwable error) {
		if (response != null && response.statusCode() / 100 == 2) {
			log.info("back-channel logout delivered client={} sid={} url={} status={}", clientId, sid, url,
					response.statusCode());
		}
		else if (response != null) {
			log.warn("back-channel logout failed client={} sid={} url={} status={}", clientId, sid, url,
					response.statusCode());
		}
		else {
			Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
					: error;
			// The exception's name says enough (refused, timed out); no stack trace per
			// logout.
			log.warn("back-channel logout failed client={} sid={} url={} error={}", clientId, sid, url,
					String.valueOf(cause));
		}
		return null;
	}

}
