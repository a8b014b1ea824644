package dev.porter.gateway.login;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressPseudonymsTests {

	// Every instance of a deployment keys one address alike, so the budget stays shared.
	@Test
	void ofWhenTheSameSecretThenTheSamePseudonymOnEveryInstance() {
		assertThat(new AddressPseudonyms("secret").of("203.0.113.7"))
			.isEqualTo(new AddressPseudonyms("secret").of("203.0.113.7"));
	}

	@Test
	void ofThenNeitherTheAddressNorItsPlainHash() {
		String pseudonym = new AddressPseudonyms("secret").of("203.0.113.7");

		assertThat(pseudonym).doesNotContain("203", "113").hasSize(22);
		assertThat(pseudonym).isNotEqualTo(new AddressPseudonyms("another secret").of("203.0.113.7"));
	}

	@Test
	void ofWhenAddressesDifferThenPseudonymsDiffer() {
		AddressPseudonyms addresses = new AddressPseudonyms("secret");

		assertThat(addresses.of("203.0.113.7")).isNotEqualTo(addresses.of("203.0.113.8"));
	}

}
