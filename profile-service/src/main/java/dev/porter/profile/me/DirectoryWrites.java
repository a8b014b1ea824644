package dev.porter.profile.me;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The writes into the directory cache pending on this instance: for each change of a
 * directory user in flight ({@link ProfileCaches#directoryChange}) and each read of one
 * past the cache ({@link ProfileCaches#directoryRead}), the user it returns is cached
 * only when nothing else changed that user meanwhile. Two overlapping changes may reach
 * the directory in either order, a read may answer before or after a change it overlaps,
 * and a change another instance announced while one of ours was on its way may have been
 * applied before or after it: either way, the user returned is not known to be the
 * latest, and a read must ask the directory instead. Only users with a change or read in
 * flight take room here.
 */
final class DirectoryWrites {

	private final ConcurrentMap<String, List<Write>> inFlight = new ConcurrentHashMap<>();

	/**
	 * A change of {@code sub}, or a read of her past the cache, begins: when others are
	 * in flight for her, it and each of them are overlapped.
	 */
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
	 * Another instance announced a change of {@code sub}: every change or read of it in
	 * flight here is overlapped, and {@code drop} (the cached entry's removal) runs under
	 * the same lock as {@link #end}'s action, so that the two cannot interleave.
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
	 * Changes of any user may have been announced unheard: every change or read in flight
	 * here is overlapped, each under its user's lock.
	 */
	void changedElsewhereAll() {
		this.inFlight.keySet().forEach((sub) -> changedElsewhere(sub, () -> {
		}));
	}

	/**
	 * The change or read has ended, whatever its outcome: runs {@code ifLatest} when
	 * nothing overlapped it (what it returned is the latest), {@code otherwise} when
	 * something did, under the user's lock: an announcement from elsewhere cannot fall
	 * between the check and the action.
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

	/** Users with a change or read in flight (tests). */
	int users() {
		return this.inFlight.size();
	}

	/**
	 * The pending write of one change's or read's user into the cache: made only if
	 * nothing overlapped it by its end.
	 */
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
