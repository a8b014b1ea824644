package dev.porter.gateway.oidc;

import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * What went wrong when the IdP was called, in words fit for a log line: the status it
 * answered, or the type of the root cause (a refused connection, a name that does not
 * resolve, an untrusted certificate, a timeout), which the client's wrapping exception
 * hides. Never a message, which can quote the IdP's answer. profile-service describes its
 * IdP failures by the same rule.
 */
final class IdpFailures {

	private IdpFailures() {
	}

	static String describe(Throwable failure) {
		Throwable current = failure;
		Throwable root = failure;
		// a cause chain is short; the bound only guards against a cycle
		for (int depth = 0; current != null && depth < 16; depth++) {
			if (current instanceof WebClientResponseException response) {
				return "status " + response.getStatusCode().value();
			}
			root = current;
			current = current.getCause();
		}
		return root.getClass().getSimpleName();
	}

}
