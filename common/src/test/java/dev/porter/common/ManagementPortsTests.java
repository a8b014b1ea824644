package dev.porter.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionFailedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class ManagementPortsTests {

	private static final String SAME_PORT = "MANAGEMENT_PORT (8080) must differ from PORT:"
			+ " on one port actuator's metrics and health details answer to everyone";

	@Test
	void checkWhenManagementPortIsThePublicPortThenRefusedNamingTheVariable() {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("8080", "8080", null))
			.withMessage(SAME_PORT);
	}

	// Boot reads both as numbers: 08080, +8080 or " 8080 " is port 8080, and actuator
	// would answer on the public port.
	@ParameterizedTest
	@ValueSource(strings = { "08080", "+8080", " 8080 ", "\t8080\n", "0x1F90", "#1F90" })
	void checkWhenManagementPortIsThePublicPortWrittenOtherwiseThenRefused(String management) {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("8080", management, null))
			.withMessage("MANAGEMENT_PORT (" + management + ") must differ from PORT:"
					+ " on one port actuator's metrics and health details answer to everyone");
	}

	@Test
	void checkWhenPublicPortUnsetThenBootsDefault8080IsThePublicPort() {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check(null, "8080", null))
			.withMessage(SAME_PORT);
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("", "8080", null))
			.withMessage(SAME_PORT);
	}

	@Test
	void checkWhenManagementPortDiffersThenAccepted() {
		assertThatNoException().isThrownBy(() -> ManagementPorts.check("8080", "9080", null));
	}

	// Unset, Boot serves actuator on the public port; the YAML always sets it, so only a
	// configuration without that YAML (a test) gets here.
	@Test
	void checkWhenManagementPortUnsetThenAccepted() {
		assertThatNoException().isThrownBy(() -> ManagementPorts.check("8080", null, null));
	}

	// -1 is how Boot is told to serve no actuator over HTTP at all.
	@Test
	void checkWhenManagementPortDisabledThenAccepted() {
		assertThatNoException().isThrownBy(() -> ManagementPorts.check("8080", "-1", null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " " })
	void checkWhenManagementPortEmptyThenRefusedNamingTheVariable(String management) {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("8080", management, null))
			.withMessage("MANAGEMENT_PORT is empty: set a port other than PORT, or unset it for the default");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " " })
	void checkWhenManagementAddressEmptyThenRefusedNamingTheVariable(String address) {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("8080", "9080", address))
			.withMessage("MANAGEMENT_ADDRESS is empty: set the interface actuator listens on,"
					+ " or unset it for loopback");
	}

	@Test
	void checkWhenManagementAddressGivenThenAccepted() {
		assertThatNoException().isThrownBy(() -> ManagementPorts.check("8080", "9080", "10.0.0.5"));
	}

	@Test
	void checkWhenBothPortsRandomThenAccepted() {
		assertThatNoException().isThrownBy(() -> ManagementPorts.check("0", "0", null));
	}

	@Test
	void checkWhenManagementPortNotANumberThenRefusedNamingTheVariable() {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check("8080", "80a0", null))
			.withMessage("MANAGEMENT_PORT (80a0) is not a port number")
			.withCauseInstanceOf(NumberFormatException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "80a0", " " })
	void checkWhenPublicPortNotANumberThenRefusedNamingTheVariable(String server) {
		assertThatIllegalStateException().isThrownBy(() -> ManagementPorts.check(server, "9080", null))
			.withMessage("PORT (" + server + ") is not a port number")
			.withCauseInstanceOf(NumberFormatException.class);
	}

	// The guard exists because of how Boot reads these two properties, so a port is
	// read here as Boot's conversion reads it, whatever the spelling.
	@ParameterizedTest
	@ValueSource(strings = { "8080", "08080", "+8080", "-8080", " 8080 ", "80 80", "\t8080\n", "0x1F90", "0X1f90",
			"#1F90", "-0x1F90", "+0x1F90", "0x", "010", "8080.0", "8,080", "8080L", "abc", "2147483648", "-1", "0",
			"9080" })
	void checkWhenManagementPortWrittenAnyWayThenReadAsBootReadsIt(String management) {
		assertThat(outcome("8080", management)).isEqualTo(asBootReads("8080", management));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "8080", "08080", " 8080 ", "0x1F90", "-0x1F90", "abc", "2147483648" })
	void checkWhenPublicPortWrittenAnyWayThenReadAsBootReadsIt(String server) {
		assertThat(outcome(server, "8080")).isEqualTo(asBootReads(server, "8080"));
	}

	private static String outcome(String server, String management) {
		try {
			ManagementPorts.check(server, management, null);
			return "accepted";
		}
		catch (IllegalStateException ex) {
			return ex.getMessage().contains("must differ") ? "same port" : "not a number";
		}
	}

	private static String asBootReads(String server, String management) {
		try {
			Integer serverPort = ApplicationConversionService.getSharedInstance().convert(server, Integer.class);
			Integer managementPort = ApplicationConversionService.getSharedInstance()
				.convert(management, Integer.class);
			boolean same = ((serverPort != null) ? serverPort : 8080) == managementPort;
			return (same && managementPort != 0) ? "same port" : "accepted";
		}
		catch (ConversionFailedException ex) {
			return "not a number";
		}
	}

}
