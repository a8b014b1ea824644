package dev.porter.devidp.oauth;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets {@code /oauth/token} and {@code /oauth/revoke} read an {@code application/json}
 * body as if it were the form RFC 6749 specifies. Auth0 accepts both, and its SDKs (the
 * Java SDK's {@code AuthAPI}, for one) send JSON; Spring Authorization Server reads only
 * request parameters. Each top-level JSON member becomes one parameter; JSON that is not
 * an object is refused as Auth0 refuses a malformed request.
 */
final class JsonTokenRequestFilter extends OncePerRequestFilter {

	private final Set<String> paths;

	private final JsonMapper mapper;

	JsonTokenRequestFilter(Set<String> paths, JsonMapper mapper) {
		this.paths = Set.copyOf(paths);
		this.mapper = mapper;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !HttpMethod.POST.matches(request.getMethod()) || !this.paths.contains(request.getServletPath())
				|| !isJson(request.getContentType());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		JsonNode body;
		try {
			body = this.mapper.readTree(request.getInputStream());
		}
		catch (JacksonException ex) {
			body = null;
		}
		if (body == null || !body.isObject()) {
			refuse(response);
			return;
		}
		Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
		for (Map.Entry<String, JsonNode> member : body.properties()) {
			JsonNode value = member.getValue();
			if (!value.isNull()) {
				parameters.put(member.getKey(),
						new String[] { value.isValueNode() ? value.asString() : value.toString() });
			}
		}
		chain.doFilter(new FormRequest(request, parameters), response);
	}

	private static boolean isJson(@Nullable String contentType) {
		try {
			return contentType != null
					&& MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(contentType));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static void refuse(HttpServletResponse response) throws IOException {
		response.setStatus(HttpStatus.BAD_REQUEST.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
		response.getWriter()
			.write("{\"error\":\"invalid_request\",\"error_description\":\"The request body must be a JSON object.\"}");
	}

	/**
	 * The request as the token endpoint expects it: a form whose fields are the JSON's.
	 */
	private static final class FormRequest extends HttpServletRequestWrapper {

		private final Map<String, String[]> parameters;

		FormRequest(HttpServletRequest request, Map<String, String[]> parameters) {
			super(request);
			this.parameters = Collections.unmodifiableMap(parameters);
		}

		@Override
		public @Nullable String getParameter(String name) {
			String[] values = this.parameters.get(name);
			return (values != null && values.length > 0) ? values[0] : null;
		}

		@Override
		public Map<String, String[]> getParameterMap() {
			return this.parameters;
		}

		@Override
		public Enumeration<String> getParameterNames() {
			return Collections.enumeration(this.parameters.keySet());
		}

		@Override
		public String @Nullable [] getParameterValues(String name) {
			return this.parameters.get(name);
		}

		@Override
		public String getContentType() {
			return MediaType.APPLICATION_FORM_URLENCODED_VALUE;
		}

		@Override
		public @Nullable String getHeader(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? Collections.enumeration(Set.of(getContentType()))
					: super.getHeaders(name);
		}

	}

}
