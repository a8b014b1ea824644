package dev.porter.profile.cache;

/**
 * What an instance hears of the other instances' changes
 * ({@link InvalidationBus#remoteChanges}): a key, or that any key may have changed.
 */
public sealed interface RemoteChange {

	/** See {@link AnyKey}. */
	RemoteChange ANY_KEY = new AnyKey();

	static RemoteChange of(String key) {
		return new Key(key);
	}

	/** Another instance changed {@code key}. */
	record Key(String key) implements RemoteChange {

	}

	/**
	 * Changes may have gone unheard, whose keys nobody can tell: the subscription was
	 * made, or made again, and what was announced before it reached nobody here; or a
	 * heartbeat Redis acknowledged never came back through it.
	 */
	record AnyKey() implements RemoteChange {

	}

}
