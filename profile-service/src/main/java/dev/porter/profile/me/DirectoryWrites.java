package dev.porter.profile.me;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The changes of directory users in flight on this instance, so that the user a change
 * returns is cached only when nothing else changed that user meanwhile. Two overlapping
 * changes may reach the directory in either order, and a change another instance
 * announced while one of ours was on its way may have been applied before or after it:
 * either way, the user our change returns is not known to be the latest, and a read must
 * ask the directory instead. A read past the cache whose user is to be cached
 * ({@link ProfileCaches#directoryRead}) is tracked as a change is, for the same reason.
 * Only users with a change in flight take room here.
 */
final class DirectoryWrites {

	private final ConcurrentMap<String, List<Write>> inFlight = new ConcurrentHashMap<>();

	/** A change of {@code sub} begins; every other one in flight for it is overlapped. */
	Write start(String sub) {
		Write write = new Write(sub);
		this.inFlight.compute(sub, (key, writes) -> {
			List<Write> all = (writes != null) ? writes : new ArrayList<>(2);
			if (!all.isEmpty()) {
				all.forEach(Write::overlap);
				write.overlap();
			}
			all.add(write);
			return all;
		});
		return write;
	}

	/**
	 * Another instance announced a change of {@code sub}: every change of it in flight
	 * here is overlapped, and {@code drop} (the cached entry's removal) runs under the
	 * same lock as {@link #end}'s action, so that the two cannot interleave.
	 */
	void changedElsewhere(String sub, Runnable drop) {
		this.inFlight.compute(sub, (key, writes) -> {
			if (writes != null) {
				writes.forEach(Write::overlap);
			}
			drop.run();
			return writes;
		});
	}

	/**
	 * Changes of any user may have been announced unheard: every change in flight here is
	 * overlapped, each under its user's lock.
	 */
	void changedElsewhereAll() {
		this.inFlight.keySet().forEach((sub) -> changedElsewhere(sub, () -> {
		}));
	}

	/**
	 * The change has ended, whatever its outcome: runs {@code ifLatest} when nothing
	 * overlapped it (what it returned is the latest), {@code otherwise} when something
	 * did, under the user's lock: an announcement from elsewhere cannot fall between the
	 * check and the action.
	 * @return whether it was {@code ifLatest} that ran
	 */
	boolean end(Write write, Runnable ifLatest, Runnable otherwise) {
		this.inFlight.compute(write.sub(), (key, writes) -> {
			if (writes != null) {
				writes.remove(write);
			}
			(write.overlapped ? otherwise : ifLatest).run();
			return (writes == null || writes.isEmpty()) ? null : writes;
		});
		// removed from the list above: nothing can overlap it any more
		return !write.overlapped;
	}

	/** Users with a change in flight (tests). */
	int users() {
		return this.inFlight.size();
	}

	static final class Write {

		private final String sub;

		private volatile boolean overlapped;

		private Write(String sub) {
			this.sub = sub;
		}

		String sub() {
			return this.sub;
		}

		private void overlap() {
			this.overlapped = true;
		}

	}

}
