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
 * ask the directory instead. Only users with a change in flight take room here.
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

	/** Another instance announced a change of {@code sub}. */
	void changedElsewhere(String sub) {
		this.inFlight.computeIfPresent(sub, (key, writes) -> {
			writes.forEach(Write::overlap);
			return writes;
		});
	}

	/**
	 * The change has ended, whatever its outcome.
	 * @return whether nothing overlapped it, so that what it returned is the latest
	 */
	boolean end(Write write) {
		this.inFlight.computeIfPresent(write.sub(), (key, writes) -> {
			writes.remove(write);
			return writes.isEmpty() ? null : writes;
		});
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
