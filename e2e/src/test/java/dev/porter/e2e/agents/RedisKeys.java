package dev.porter.e2e.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.porter.e2e.processes.Service;
import dev.porter.testsupport.ChildProcesses;

/**
 * What a Redis of the stack holds, read with {@code redis-cli} from the OS package: how
 * many keys, how many are sessions, how many never expire and the longest time to live.
 */
public final class RedisKeys {

	// One round trip: the keys of a test Redis are few enough for KEYS.
	private static final String SURVEY = """
			local keys = redis.call('KEYS', '*')
			local sessions, forever, longest = 0, 0, 0
			for _, key in ipairs(keys) do
			  if string.find(key, ARGV[1], 1, true) == 1 then sessions = sessions + 1 end
			  local ttl = redis.call('PTTL', key)
			  if ttl < 0 then forever = forever + 1 elseif ttl > longest then longest = ttl end
			end
			return {#keys, sessions, forever, longest}
			""";

	private static final String LONGEST_TTL_OF_OTHERS = """
			local known = {}
			for _, key in ipairs(ARGV) do known[key] = true end
			local longest = 0
			for _, key in ipairs(redis.call('KEYS', '*')) do
			  if not known[key] then
			    local ttl = redis.call('PTTL', key)
			    if ttl > longest then longest = ttl end
			  end
			end
			return longest
			""";

	private RedisKeys() {
	}

	/**
	 * @param keys all keys
	 * @param sessions keys under the session namespace
	 * @param withoutTtl keys that never expire
	 * @param longestTtlMillis the longest remaining time to live
	 */
	public record Survey(long keys, long sessions, long withoutTtl, long longestTtlMillis) {
	}

	public static Survey survey(Service redis, String sessionPrefix) {
		List<String> lines = cli(redis, "EVAL", SURVEY, "0", sessionPrefix);
		return new Survey(Long.parseLong(lines.get(0)), Long.parseLong(lines.get(1)), Long.parseLong(lines.get(2)),
				Long.parseLong(lines.get(3)));
	}

	/** The names of all keys. */
	public static Set<String> names(Service redis) {
		return cli(redis, "KEYS", "*").stream().filter((name) -> !name.isEmpty()).collect(Collectors.toSet());
	}

	/**
	 * The longest remaining time to live among the keys other than {@code known} (e.g.
	 * those a step of the test made, leaving out what was there before it).
	 */
	public static long longestTtlMillisOfKeysOtherThan(Service redis, Set<String> known) {
		List<String> command = new ArrayList<>(List.of("EVAL", LONGEST_TTL_OF_OTHERS, "0"));
		command.addAll(known);
		return Long.parseLong(cli(redis, command.toArray(String[]::new)).get(0));
	}

	/** {@code used_memory} from {@code INFO memory}, in bytes. */
	public static long usedMemory(Service redis) {
		return cli(redis, "INFO", "memory").stream()
			.filter((line) -> line.startsWith("used_memory:"))
			.map((line) -> Long.parseLong(line.substring("used_memory:".length()).trim()))
			.findFirst()
			.orElseThrow();
	}

	private static List<String> cli(Service redis, String... command) {
		List<String> args = new ArrayList<>(
				List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(redis.port())));
		args.addAll(List.of(command));
		try {
			ChildProcesses.Finished cli = ChildProcesses.run(new ProcessBuilder(args), Duration.ofSeconds(20));
			if (cli.exitValue() != 0) {
				throw new IllegalStateException("redis-cli " + command[0] + " failed: " + cli.output());
			}
			return cli.output().lines().map(String::strip).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
