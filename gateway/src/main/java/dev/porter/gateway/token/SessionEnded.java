package dev.porter.gateway.token;

import dev.porter.gateway.problem.ProblemException;
import dev.porter.gateway.problem.Problems;
import org.jspecify.annotations.Nullable;

/**
 * The session is over (the IdP refused its refresh for good, or the session is gone): the
 * request gets {@code 401} and the SPA signs in again.
 */
final class SessionEnded extends ProblemException {

	SessionEnded(@Nullable Throwable cause) {
		super(Problems.loginRequired("Your session has ended; sign in again"), cause);
	}

}
