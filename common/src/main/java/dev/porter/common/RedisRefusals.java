package dev.porter.common;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.lettuce.core.RedisCommandExecutionException;

/**
 * What Redis said when it answered a command with an error of its own, for the operator:
 * its error code (the first word of the answer, such as {@code OOM}, {@code NOPERM} or
 * {@code READONLY}; for a script's that Redis before 7 wraps in {@code ERR}, the wrapped
 * refusal's, see {@link RedisErrorCodes}) and, for the usual ones, what to check. Never
 * the rest of the answer, which can quote a key. Both services' log lines about a failed
 * Redis command end with it: the exception's type alone ({@code RedisSystemException})
 * does not tell a full Redis or a missing ACL permission from an outage. And which of its
 * refusals turn writes away while it still serves reads.
 */
public final class RedisRefusals {

	private static final Pattern CODE = Pattern.compile("[A-Z]{2,16}");

	private static final String CLUSTER_MODE = "REDIS_URL names a Redis in cluster mode, which Porter cannot use:"
			+ " name one with cluster mode disabled";

	private static final Map<String, String> HINTS = Map
		.ofEntries(Map.entry("OOM", "Redis is full: raise maxmemory, and keep maxmemory-policy noeviction"), Map.entry(
				"READONLY",
				"the node this instance is connected to is a replica, as a primary demoted by a failover is: reconnecting, which reaches the primary when REDIS_URL names the primary endpoint"),
				Map.entry("NOPERM",
						"the Redis user lacks a permission: see the ACL in " + RedisEvictionPolicyCheck.README),
				Map.entry("NOAUTH", "Redis wants a password: check REDIS_URL"),
				Map.entry("WRONGPASS", "Redis refused the user or password in REDIS_URL"),
				Map.entry("LOADING", "Redis is loading its data set after a restart"),
				Map.entry("MASTERDOWN", "the replica lost its primary"),
				Map.entry("MISCONF", "Redis cannot write its snapshot to disk"),
				// What a node of a Redis Cluster answers a client that follows no
				// redirection: a key of another node's slot, keys of different slots, a
				// slot no node serves.
				Map.entry("MOVED", CLUSTER_MODE), Map.entry("ASK", CLUSTER_MODE), Map.entry("CROSSSLOT", CLUSTER_MODE),
				Map.entry("CLUSTERDOWN", CLUSTER_MODE));

	private static final String OUT_OF_MEMORY = "OOM";

	/**
	 * What a Redis that still serves reads answers a write that would add data: full
	 * under {@code noeviction}, a replica, unable to write its snapshot
	 * ({@code stop-writes-on-bgsave-error}).
	 */
	private static final Set<String> WRITES_REFUSED = Set.of(OUT_OF_MEMORY, "READONLY", "MISCONF");

	private RedisRefusals() {
	}

	/**
	 * {@code "; Redis answered CODE (hint)"}, to follow the failure's type in a log line;
	 * nothing when Redis refused nothing (an outage, a timeout).
	 * @param failure the failure as the client reports it: Lettuce's own, or Spring Data
	 * Redis's with Lettuce's among its causes
	 */
	public static String describe(Throwable failure) {
		return answer(failure).map(RedisRefusals::answered).orElse("");
	}

	/**
	 * Whether Redis answered {@code failure}'s command with a refusal of writes alone:
	 * the sessions are still read, so what only needs a write of its own may do without.
	 */
	public static boolean refusesWrites(Throwable failure) {
		return answer(failure).map(RedisErrorCodes::of).filter(WRITES_REFUSED::contains).isPresent();
	}

	/**
	 * Whether Redis refused {@code failure}'s command for lack of memory ({@code OOM}:
	 * {@code maxmemory} reached under {@code noeviction}). Unlike a replica's or a
	 * failing snapshot's refusal, such a Redis still deletes, so what needs only reads
	 * and deletes (ending sessions) can still be done.
	 */
	public static boolean isFull(Throwable failure) {
		return answer(failure).map(RedisErrorCodes::of).filter(OUT_OF_MEMORY::equals).isPresent();
	}

	private static Optional<String> answer(Throwable failure) {
		return Causes.of(failure)
			.filter((cause) -> cause instanceof RedisCommandExecutionException && cause.getMessage() != null)
			.findFirst()
			.map(Throwable::getMessage);
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
