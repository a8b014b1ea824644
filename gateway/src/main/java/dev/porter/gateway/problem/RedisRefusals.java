package dev.porter.gateway.problem;

import java.util.Map;
import java.util.regex.Pattern;

import dev.porter.common.RedisErrorCodes;
import io.lettuce.core.RedisCommandExecutionException;

/**
 * What Redis said when it answered a command with an error of its own, for the operator:
 * its error code (the first word of the answer, such as {@code OOM} or {@code READONLY};
 * for a script's that Redis before 7 wraps in {@code ERR}, the wrapped refusal's, see
 * common's {@link RedisErrorCodes}) and, for the usual ones, what to check. Never the
 * rest of the answer, which can quote a key.
 */
final class RedisRefusals {

	private static final Pattern CODE = Pattern.compile("[A-Z]{2,16}");

	private static final Map<String, String> HINTS = Map.of("OOM",
			"Redis is full: raise maxmemory (sessions need maxmemory-policy noeviction)", "READONLY",
			"the node this instance is connected to is a replica, as a primary demoted by a failover is: reconnecting, which reaches the primary when REDIS_URL names the primary endpoint",
			"NOPERM", "the Redis user lacks a permission (ACL)", "NOAUTH", "Redis wants a password: check REDIS_URL",
			"WRONGPASS", "Redis refused the user or password in REDIS_URL", "LOADING",
			"Redis is loading its data set after a restart", "MASTERDOWN", "the replica lost its primary", "MISCONF",
			"Redis cannot write its snapshot to disk");

	private RedisRefusals() {
	}

	/** {@code "; Redis answered CODE (hint)"}, or nothing when Redis refused nothing. */
	static String describe(Throwable failure) {
		return Causes.of(failure)
			.filter((cause) -> cause instanceof RedisCommandExecutionException && cause.getMessage() != null)
			.findFirst()
			.map((refusal) -> answered(refusal.getMessage()))
			.orElse("");
	}

	private static String answered(String answer) {
		String code = RedisErrorCodes.of(answer);
		if (code == null || !CODE.matcher(code).matches()) {
			return "; Redis refused the command";
		}
		String hint = HINTS.get(code);
		return "; Redis answered " + code + ((hint != null) ? " (" + hint + ")" : "");
	}

}
