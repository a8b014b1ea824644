package dev.porter.profile.cache;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheStatusTests {

	private static final Lookup HIT = new Lookup(Lookup.Outcome.HIT, 212);

	private static final Lookup MISS = new Lookup(Lookup.Outcome.MISS, 300);

	private static final Lookup MISS_DROPPED = new Lookup(Lookup.Outcome.MISS, 300, false);

	private static final Lookup COLLAPSED = new Lookup(Lookup.Outcome.COLLAPSED, 300);

	@Test
	void ofWhenEveryLoadOfTheRequestIsHeldThenStored() {
		assertThat(CacheStatus.of(List.of(HIT, MISS))).isEqualTo("profile-service; fwd=uri-miss; stored");
		assertThat(CacheStatus.of(List.of(MISS, MISS))).isEqualTo("profile-service; fwd=uri-miss; stored");
		assertThat(CacheStatus.of(List.of(COLLAPSED, MISS))).isEqualTo("profile-service; fwd=uri-miss; stored");
	}

	@Test
	void ofWhenALoadOfTheRequestWasDroppedThenForwardedWithoutStored() {
		assertThat(CacheStatus.of(List.of(HIT, MISS_DROPPED))).isEqualTo("profile-service; fwd=uri-miss");
		assertThat(CacheStatus.of(List.of(MISS, MISS_DROPPED))).isEqualTo("profile-service; fwd=uri-miss");
		assertThat(CacheStatus.of(List.of(COLLAPSED, MISS_DROPPED))).isEqualTo("profile-service; fwd=uri-miss");
	}

	@Test
	void ofWhenEveryMissJoinedAnotherLoadThenCollapsed() {
		assertThat(CacheStatus.of(List.of(HIT, COLLAPSED))).isEqualTo("profile-service; fwd=uri-miss; collapsed");
	}

	@Test
	void ofWhenAWriteThenStoredOnlyIfWrittenThrough() {
		assertThat(CacheStatus.of(List.of(HIT, Lookup.forwarded(true))))
			.isEqualTo("profile-service; fwd=method; stored");
		assertThat(CacheStatus.of(List.of(MISS, Lookup.forwarded(false)))).isEqualTo("profile-service; fwd=method");
	}

	@Test
	void ofWhenAPartIsStaleAfterAnErrorThenDetailFollows() {
		Lookup staleAfterError = new Lookup(Lookup.Outcome.STALE_AFTER_ERROR, -40);
		assertThat(CacheStatus.of(List.of(staleAfterError, MISS_DROPPED)))
			.isEqualTo("profile-service; fwd=uri-miss; detail=stale-upstream-error");
	}

}
