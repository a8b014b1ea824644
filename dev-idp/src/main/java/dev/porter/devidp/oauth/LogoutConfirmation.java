package dev.porter.devidp.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.web.util.HtmlUtils;

/**
 * The question dev-idp asks before a logout that names no session, as Auth0 prompts for
 * one without {@code id_token_hint} or {@code logout_hint}: a page whose form posts the
 * request back to the logout endpoint with a CSRF token of the browser's session. Only
 * that {@code POST} is the user's answer; a {@code GET}, or a {@code POST} without the
 * token (which any site can make a browser send), only asks. The endpoint lies outside
 * Spring Security's CSRF protection (Spring Authorization Server exempts its endpoints),
 * so the token is checked here, kept where the login form's is and masked the same way.
 */
final class LogoutConfirmation {

	private static final String PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head>
			<meta charset="utf-8">
			<meta name="viewport" content="width=device-width, initial-scale=1">
			<title>dev-idp — Log out?</title>
			</head>
			<body>
			<main>
			<h1>Log out of dev-idp?</h1>
			<p>Development identity provider — not for production.</p>
			<p>%s asks to end your dev-idp session (signed in as <code>%s</code>).</p>
			<form method="post" action="%s">
			%s<button type="submit">Log out</button>
			</form>
			</main>
			</body>
			</html>
			""";

	private final String endpointPath;

	private final CsrfTokenRepository tokens = new HttpSessionCsrfTokenRepository();

	private final XorCsrfTokenRequestAttributeHandler masking = new XorCsrfTokenRequestAttributeHandler();

	LogoutConfirmation(String endpointPath) {
		this.endpointPath = endpointPath;
	}

	/** Whether the request is the confirmation form's answer, with its token. */
	boolean isConfirmed(HttpServletRequest request) {
		if (!HttpMethod.POST.matches(request.getMethod())) {
			return false;
		}
		CsrfToken expected = this.tokens.loadToken(request);
		if (expected == null) {
			return false;
		}
		String actual = this.masking.resolveCsrfTokenValue(request, expected);
		return actual != null && MessageDigest.isEqual(expected.getToken().getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

	/** Answers with the question, its form carrying the logout request along. */
	void ask(HttpServletRequest request, HttpServletResponse response, RegisteredClient client, String username,
			@Nullable String redirect, @Nullable String state) throws IOException {
		this.masking.handle(request, response, this.tokens.loadDeferredToken(request, response)::get);
		CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
		String fields = hidden("client_id", client.getClientId()) + hidden("post_logout_redirect_uri", redirect)
				+ hidden("state", state) + hidden(csrf.getParameterName(), csrf.getToken());
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(MediaType.TEXT_HTML_VALUE);
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getWriter()
			.write(PAGE.formatted(HtmlUtils.htmlEscape(client.getClientName()), HtmlUtils.htmlEscape(username),
					HtmlUtils.htmlEscape(this.endpointPath), fields));
	}

	private static String hidden(String name, @Nullable String value) {
		if (value == null) {
			return "";
		}
		return "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n".formatted(HtmlUtils.htmlEscape(name),
				HtmlUtils.htmlEscape(value));
	}

}
