package dev.porter.common;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.lettuce.core.RedisCommandExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Warns once when the Redis a service uses may evict its keys. Every key Porter writes
 * has a time to live, so under any {@code maxmemory-policy} but {@code noeviction}
 * (managed Redis services often default to {@code volatile-lru}) a full Redis drops some
 * of them without a word, and what they stood for is lost: a logout that ends nothing,
 * two instances refreshing one token. With {@code noeviction} a full Redis refuses writes
 * instead, which both services report. A Redis without {@code maxmemory} (0) evicts
 * nothing, whatever its policy.
 * <p>
 * The policy is read from Redis's answer to {@code INFO memory}, once per process: the
 * service asks when it first connects. An ACL without {@code INFO} (it is in
 * {@code @dangerous}) or a renamed command refuses it: then one line at INFO says that
 * the policy could not be checked. A Redis that gave no answer (down, slow) leaves the
 * check to the service's next try. Nothing here fails a start or a readiness check.
 */
public final class RedisEvictionPolicyCheck {

	/** Where the README tells the operator what Porter needs of Redis. */
	static final String README = "README.md, section \"Redis settings\"";

	private static final Logger log = LoggerFactory.getLogger(RedisEvictionPolicyCheck.class);

	private static final String NO_EVICTION = "noeviction";

	private final String atStake;

	private final AtomicReference<State> state = new AtomicReference<>(State.UNCHECKED);

	/**
	 * @param atStake what the service loses when Redis evicts its keys, for the warning
	 * (e.g. "the Management API budget the instances share")
	 */
	public RedisEvictionPolicyCheck(String atStake) {
		this.atStake = atStake;
	}

	/**
	 * Checks Redis's answer to {@code INFO memory} as Lettuce gives it: its text, a
	 * {@code field:value} a line. See {@link #checkFields}.
	 */
	public Mono<Void> check(Mono<String> infoMemory) {
		return checkFields(infoMemory.map(RedisEvictionPolicyCheck::fields));
	}

	/**
	 * Checks Redis's answer to {@code INFO memory} read into its fields, as Spring Data
	 * Redis gives it ({@code Properties}). Subscribes to {@code infoMemory} only while
	 * the policy is unchecked and no other check is under way.
	 * @return completes once Redis answered or refused, or when there is nothing to ask;
	 * fails as {@code infoMemory} did when Redis gave no answer, and the next call asks
	 * again
	 */
	public Mono<Void> checkFields(Mono<? extends Map<?, ?>> infoMemory) {
		return Mono.defer(() -> {
			if (!this.state.compareAndSet(State.UNCHECKED, State.CHECKING)) {
				return Mono.empty();
			}
			return infoMemory.doOnNext(this::answered).then().onErrorResume((failure) -> {
				RedisCommandExecutionException refusal = refusalIn(failure);
				if (refusal == null) {
					return Mono.error(failure);
				}
				refused(refusal);
				return Mono.empty();
			})
				// No answer (a failure, an empty one, a cancel): still unchecked.
				.doFinally((signal) -> this.state.compareAndSet(State.CHECKING, State.UNCHECKED));
		});
	}

	private void answered(Map<?, ?> fields) {
		this.state.set(State.CHECKED);
		String policy = field(fields, "maxmemory_policy");
		String maxmemory = Objects.requireNonNullElse(field(fields, "maxmemory"), "unstated");
		if (policy == null) {
			notChecked("its INFO memory names none");
			return;
		}
		if (policy.equals(NO_EVICTION) || "0".equals(maxmemory)) {
			log.debug("Redis's maxmemory-policy is {} (maxmemory {}): it evicts no key", policy, maxmemory);
			return;
		}
		log.warn("Redis may evict Porter's keys: its maxmemory-policy is {} (maxmemory {}), and every key"
				+ " Porter writes has a time to live, so a full Redis silently drops {}. Set maxmemory-policy {} ({})",
				policy, maxmemory, this.atStake, NO_EVICTION, README);
	}

	private void refused(RedisCommandExecutionException refusal) {
		this.state.set(State.CHECKED);
		notChecked("Redis answered INFO " + RedisErrorCodes.of(refusal.getMessage()));
	}

	private void notChecked(String why) {
		log.info("Redis's maxmemory-policy could not be checked: {}; it must be {}, or a full Redis silently drops {}"
				+ " ({})", why, NO_EVICTION, this.atStake, README);
	}

	/**
	 * Redis's refusal of {@code INFO} for good, if that is what {@code failure} is: an
	 * ACL without it ({@code NOPERM}), a renamed or unknown command ({@code ERR}). Any
	 * other answer ({@code LOADING}, {@code BUSY}) is none.
	 */
	private static @Nullable RedisCommandExecutionException refusalIn(Throwable failure) {
		return Causes.of(failure)
			.filter(RedisCommandExecutionException.class::isInstance)
			.map(RedisCommandExecutionException.class::cast)
			.filter((refused) -> {
				String code = RedisErrorCodes.of(refused.getMessage());
				return "NOPERM".equals(code) || "ERR".equals(code);
			})
			.findFirst()
			.orElse(null);
	}

	private static @Nullable String field(Map<?, ?> fields, String name) {
		Object value = fields.get(name);
		return (value != null) ? value.toString().strip() : null;
	}

	/** {@code INFO}'s text, {@code field:value} a line, {@code #} before a section. */
	static Map<String, String> fields(String answer) {
		Map<String, String> fields = new HashMap<>();
		answer.lines().forEach((line) -> {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
			}
		});
		return fields;
	}

	private enum State {

		UNCHECKED, CHECKING, CHECKED

	}

}
