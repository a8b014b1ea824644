package dev.porter.devidp.faults;

import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How many requests reached each endpoint since start-up or the last reset, so that other
 * modules' tests can prove they coalesce calls ("exactly one refresh").
 */
final class RequestStats {

	private final AtomicLong authorizationCode = new AtomicLong();

	private final AtomicLong refreshToken = new AtomicLong();

	private final AtomicLong clientCredentials = new AtomicLong();

	private final AtomicLong userinfo = new AtomicLong();

	private final AtomicLong managementGet = new AtomicLong();

	private final AtomicLong managementPatch = new AtomicLong();

	/** Counts a token request by its {@code grant_type}; other grants are not counted. */
	void tokenRequest(String grantType) {
		switch (grantType) {
			case "authorization_code" -> this.authorizationCode.incrementAndGet();
			case "refresh_token" -> this.refreshToken.incrementAndGet();
			case "client_credentials" -> this.clientCredentials.incrementAndGet();
			default -> {
			}
		}
	}

	void userinfoRequest() {
		this.userinfo.incrementAndGet();
	}

	void managementGet() {
		this.managementGet.incrementAndGet();
	}

	void managementPatch() {
		this.managementPatch.incrementAndGet();
	}

	Snapshot snapshot() {
		return new Snapshot(
				new Token(this.authorizationCode.get(), this.refreshToken.get(), this.clientCredentials.get()),
				this.userinfo.get(), new Management(this.managementGet.get(), this.managementPatch.get()));
	}

	void reset() {
		for (AtomicLong counter : new AtomicLong[] { this.authorizationCode, this.refreshToken, this.clientCredentials,
				this.userinfo, this.managementGet, this.managementPatch }) {
			counter.set(0);
		}
	}

	/** The body of {@code GET /dev/stats}. */
	record Snapshot(Token token, long userinfo, Management management) {
	}

	record Token(@JsonProperty("authorization_code") long authorizationCode,
			@JsonProperty("refresh_token") long refreshToken,
			@JsonProperty("client_credentials") long clientCredentials) {
	}

	record Management(long get, long patch) {
	}

}
