package dev.porter.profile.metadata;

import java.util.Set;

/**
 * What a member name may be, at any depth: what Auth0 accepts as a metadata key (not
 * empty, at most {@value #MAX_KEY_LENGTH} characters, no '.' or '$'), no name that
 * JavaScript treats as an object's prototype (a reader that merges metadata into an
 * object could otherwise be made to pollute it), and only visible, unambiguous characters
 * (see {@link CodePoints}).
 */
final class KeyRules {

	/**
	 * In characters as a reader counts them: code points, so that a character past U+FFFF
	 * (an emoji) counts once, not as its two UTF-16 units.
	 */
	static final int MAX_KEY_LENGTH = 100;

	static final Set<String> PROTOTYPE_NAMES = Set.of("__proto__", "constructor", "prototype");

	private KeyRules() {
	}

	/**
	 * What a top-level key deleted ({@code null}) must be: one Auth0 can hold. A stored
	 * key this endpoint would not let anyone set (another client wrote it) must still be
	 * deletable by its owner, and a deletion adds nothing.
	 */
	static void checkDeleted(String key, String path, Violations violations) {
		if (key.isEmpty()) {
			violations.add(path, "Keys must not be empty.");
		}
		else if (key.indexOf('.') >= 0 || key.indexOf('$') >= 0) {
			violations.add(path, "Keys must not contain '.' or '$' (Auth0 refuses them).");
		}
		else if (PROTOTYPE_NAMES.contains(key)) {
			// not even to delete: a merge on the directory's side could act on it
			violations.add(path, "Keys must not be __proto__, constructor or prototype.");
		}
	}

	static void check(String key, String path, Violations violations) {
		String characters = CodePoints.keyProblem(key);
		if (key.isEmpty()) {
			violations.add(path, "Keys must not be empty.");
		}
		else if (key.codePointCount(0, key.length()) > MAX_KEY_LENGTH) {
			violations.add(path, "Keys must not be longer than " + MAX_KEY_LENGTH + " characters.");
		}
		else if (key.indexOf('.') >= 0 || key.indexOf('$') >= 0) {
			violations.add(path, "Keys must not contain '.' or '$' (Auth0 refuses them).");
		}
		else if (PROTOTYPE_NAMES.contains(key)) {
			violations.add(path, "Keys must not be __proto__, constructor or prototype.");
		}
		else if (characters != null) {
			violations.add(path, characters);
		}
	}

}
