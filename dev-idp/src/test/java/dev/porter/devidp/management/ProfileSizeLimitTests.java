package dev.porter.devidp.management;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class ProfileSizeLimitTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void checkWhenProfileOverLimitThenInvalidBody() {
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(
					() -> new ProfileSizeLimit(true, DataSize.ofKilobytes(10)).check(userOfSize(10_300), this.mapper))
			.withMessageStartingWith("Payload validation error: 'The user profile would be ");
	}

	@Test
	void checkWhenProfileOverLimitButNotEnforcedThenAccepted() {
		assertThatNoException().isThrownBy(
				() -> new ProfileSizeLimit(false, DataSize.ofKilobytes(10)).check(userOfSize(10_300), this.mapper));
	}

	@Test
	void checkWhenProfileUnderLimitThenAccepted() {
		assertThatNoException().isThrownBy(
				() -> new ProfileSizeLimit(true, DataSize.ofKilobytes(10)).check(userOfSize(10_000), this.mapper));
	}

	@Test
	void checkChangeWhenProfileAlreadyOverLimitShrinksThenAccepted() {
		assertThatNoException().isThrownBy(() -> new ProfileSizeLimit(true, DataSize.ofKilobytes(10))
			.checkChange(userOfSize(11_000), userOfSize(10_500), this.mapper));
	}

	@Test
	void checkChangeWhenProfileAlreadyOverLimitGrowsThenInvalidBody() {
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> new ProfileSizeLimit(true, DataSize.ofKilobytes(10)).checkChange(userOfSize(10_500),
					userOfSize(10_600), this.mapper));
	}

	@Test
	void checkChangeWhenProfileGrowsPastTheLimitThenInvalidBody() {
		assertThatExceptionOfType(ManagementApiException.class)
			.isThrownBy(() -> new ProfileSizeLimit(true, DataSize.ofKilobytes(10)).checkChange(userOfSize(9_000),
					userOfSize(10_300), this.mapper));
	}

	private ObjectNode userOfSize(int approximateBytes) {
		ObjectNode user = this.mapper.createObjectNode();
		user.putObject("user_metadata").put("notes", "x".repeat(approximateBytes - 32));
		return user;
	}

}
