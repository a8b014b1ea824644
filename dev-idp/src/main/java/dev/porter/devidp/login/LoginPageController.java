package dev.porter.devidp.login;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The hosted login form and a landing page. Both say plainly that this is a development
 * identity provider, so nobody mistakes it for a real sign-in page.
 */
@Controller
class LoginPageController {

	private static final String PAGE = """
			<!DOCTYPE html>
			<html lang="en">
			<head>
			<meta charset="utf-8">
			<meta name="viewport" content="width=device-width, initial-scale=1">
			<title>dev-idp — %s</title>
			<style>
			body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
			main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem;
			  border-radius: .5rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
			.warning { background: #fff4e5; border: 1px solid #f0a020; padding: .5rem .75rem;
			  border-radius: .25rem; font-size: .9rem; }
			.error { color: #b00020; font-weight: 600; }
			label { display: block; margin-top: 1rem; }
			input { width: 100%%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; }
			button { margin-top: 1.5rem; width: 100%%; padding: .6rem; background: #3451b2; color: #fff;
			  border: 0; border-radius: .25rem; font-size: 1rem; cursor: pointer; }
			</style>
			</head>
			<body>
			<main>
			<h1>%s</h1>
			<p class="warning">Development identity provider — not for production.</p>
			%s
			</main>
			</body>
			</html>
			""";

	@GetMapping(path = "/login", produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String login(@RequestParam(required = false) @Nullable String error, CsrfToken csrf) {
		String message = (error != null) ? "<p class=\"error\" role=\"alert\">Wrong username or password.</p>" : "";
		String form = message + """
				<form method="post" action="/login">
				<label>Username <input name="username" autocomplete="username" required autofocus></label>
				<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
				<input type="hidden" name="%s" value="%s">
				<button type="submit">Sign in</button>
				</form>
				""".formatted(HtmlUtils.htmlEscape(csrf.getParameterName()), HtmlUtils.htmlEscape(csrf.getToken()));
		return page("Sign in", form);
	}

	@GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String home(@Nullable Principal principal) {
		String status = (principal != null)
				? "<p>Signed in as <code>" + HtmlUtils.htmlEscape(principal.getName()) + "</code>.</p>"
				: "<p>You are signed out.</p>";
		return page("dev-idp", status);
	}

	private static String page(String title, String content) {
		return PAGE.formatted(HtmlUtils.htmlEscape(title), HtmlUtils.htmlEscape(title), content);
	}

}
