package dev.porter.profile.directory;

import java.util.function.Function;

import reactor.core.publisher.Mono;

import dev.porter.profile.upstream.BeforeFirstAttempt;
import dev.porter.profile.upstream.UpstreamException;
import dev.porter.profile.upstream.UpstreamPolicy;
import dev.porter.profile.upstream.UpstreamResponses;
import dev.porter.profile.upstream.WriteAttempts;

/**
 * One call to a directory's admin API with our own access token, through the directory's
 * resilience policy; failures leave as the caller-facing problems. Every directory
 * adapter calls through this, so that they share one failure matrix.
 */
public final class DirectoryCalls {

	private final ClientCredentialsTokens tokens;

	private final UpstreamPolicy policy;

	private final UpstreamResponses responses;

	public DirectoryCalls(ClientCredentialsTokens tokens, UpstreamPolicy policy, UpstreamResponses responses) {
		this.tokens = tokens;
		this.policy = policy;
		this.responses = responses;
	}

	/** How the adapter reads the directory's answers. */
	public UpstreamResponses responses() {
		return this.responses;
	}

	/** The caller-facing problem for an answer the adapter cannot use (502). */
	public Throwable badResponse() {
		return this.policy.toProblem(this.responses.failure(UpstreamException.Kind.BAD_RESPONSE, null, null));
	}

	/**
	 * {@code call} with the current token; on a 401 (token revoked, keys rotated) the
	 * token is dropped and the call made once more with a fresh one. The token is
	 * obtained outside the policy's operators: waiting for it is not the directory being
	 * slow.
	 */
	public <T> Mono<T> withToken(Function<String, Mono<T>> call) {
		return withToken(call, false);
	}

	/**
	 * As {@link #withToken}, for a call that changes the directory
	 * ({@link UpstreamPolicy#decorateChange}): each of its attempts marks the change's
	 * {@link WriteAttempts} when it may have changed something, and its first is sent
	 * only once its caller's {@link BeforeFirstAttempt} check passes, after the waits for
	 * the token and the call budget. Reads must not: a change made of a read and a
	 * refused write changed nothing, and a read after the write must still be made.
	 */
	public <T> Mono<T> changeWithToken(Function<String, Mono<T>> call) {
		return withToken(call, true);
	}

	private <T> Mono<T> withToken(Function<String, Mono<T>> call, boolean changes) {
		Mono<T> once = this.tokens.accessToken()
			.onErrorMap((ex) -> this.responses.failure(UpstreamException.Kind.UNAVAILABLE,
					(ex instanceof DirectoryTokenUnavailable backingOff) ? backingOff.retryAfter() : null, ex))
			.flatMap((token) -> {
				Mono<T> attempt = call.apply(token).onErrorMap(this.responses::transport);
				Mono<T> decorated = changes ? this.policy.decorateChange(attempt) : this.policy.decorate(attempt);
				return decorated.onErrorResume(DirectoryCalls::isTokenRejected,
						(ex) -> this.tokens.invalidate(token).then(Mono.error(ex)));
			});
		return once
			.onErrorResume(DirectoryCalls::isTokenRejected,
					(ex) -> once.onErrorMap(DirectoryCalls::isTokenRejected,
							(again) -> this.responses.failure(UpstreamException.Kind.BAD_RESPONSE, null, again)))
			.onErrorMap(this.policy::toProblem);
	}

	private static boolean isTokenRejected(Throwable ex) {
		return ex instanceof UpstreamException upstream && upstream.kind() == UpstreamException.Kind.TOKEN_REJECTED;
	}

}
