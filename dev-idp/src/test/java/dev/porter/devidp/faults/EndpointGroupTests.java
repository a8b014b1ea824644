package dev.porter.devidp.faults;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which endpoint group's faults a request meets: only its own group's, and none for a
 * path that merely starts like one of them.
 */
class EndpointGroupTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "none", textBlock = """
			/api/v2                          | MANAGEMENT
			/api/v2/users/auth0%7Calice      | MANAGEMENT
			/userinfo                        | USERINFO
			/oauth/token                     | TOKEN
			/api/v2x                         | none
			/api                             | none
			/userinfo/x                      | none
			/oauth/tokens                    | none
			/oauth/revoke                    | none
			/.well-known/jwks.json           | none
			""")
	void ofWhenPathThenItsGroup(String path, EndpointGroup expected) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", path);

		assertThat(EndpointGroup.of(request)).isEqualTo(Optional.ofNullable(expected));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "none", textBlock = """
			/idp/userinfo    | USERINFO
			/idp/oauth/token | TOKEN
			/idp/api/v2/x    | MANAGEMENT
			/idp             | none
			""")
	void ofWhenServedUnderAContextPathThenGroupOfThePathWithinIt(String uri, EndpointGroup expected) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
		request.setContextPath("/idp");

		assertThat(EndpointGroup.of(request)).isEqualTo(Optional.ofNullable(expected));
	}

}
