package dev.porter.common;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The code of an error answer of Redis's, by which a client tells its refusals apart: the
 * answer's first word ({@code READONLY}, {@code OOM}), or, when a Lua script failed
 * because Redis refused a command it called, that command's code.
 * <p>
 * Redis 7 answers such a script with the command's own error
 * ({@code READONLY You can't write against a read only replica. script: …}). Before it,
 * the script fails with {@code ERR}, the refusal wrapped after the script's line:
 * {@code ERR Error running script (call to f_<sha>): @user_script:4: @user_script: 4: -READONLY You can't write against a read only replica.}
 * (6.2; 6.0 and older show the line once). Only a code right after those line marks is
 * taken for the refusal's: a Lua error of the script's own ({@code attempt to compare
 * nil with number}) leaves the code {@code ERR}.
 */
public final class RedisErrorCodes {

	private static final Pattern SCRIPT_REFUSAL = Pattern.compile(
			"ERR Error running script \\(call to [^)]*\\): (?:@?user_script: ?\\d+: )+-?([A-Z]+)(?: .*)?",
			Pattern.DOTALL);

	private RedisErrorCodes() {
	}

	/** The code of {@code answer}, or {@code null} when there is no answer. */
	public static @Nullable String of(@Nullable String answer) {
		if (answer == null) {
			return null;
		}
		Matcher scriptRefusal = SCRIPT_REFUSAL.matcher(answer);
		if (scriptRefusal.matches()) {
			return scriptRefusal.group(1);
		}
		return answer.split(" ", 2)[0];
	}

}
