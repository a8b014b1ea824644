package dev.porter.profile.problem;

import org.springframework.web.ErrorResponseException;

/**
 * An upstream failure that ended a change after one of its attempts may have applied it
 * (a timeout, a 5xx, an answer that could not be read): the same status, type and
 * {@code Retry-After}, with a detail that tells the caller the change may have been
 * applied and that sending it again is safe, as past the request deadline
 * ({@link RequestDeadlinePassedException#whileChanging()}).
 */
public final class ChangeNotConfirmedException extends ErrorResponseException {

	private ChangeNotConfirmedException(ErrorResponseException failure) {
		super(failure.getStatusCode(), Problems.changeNotConfirmed(failure.getBody()), failure.getCause());
		getHeaders().addAll(failure.getHeaders());
	}

	/**
	 * {@code failure} as the caller of a change that may have been applied gets it: an
	 * upstream's 5xx says so; any other answer (a refusal of the user's own, such as
	 * {@code 404} for a user deleted meanwhile) stays as it is.
	 */
	public static Throwable of(Throwable failure) {
		if (failure instanceof ErrorResponseException response && response.getStatusCode().is5xxServerError()) {
			return new ChangeNotConfirmedException(response);
		}
		return failure;
	}

}
