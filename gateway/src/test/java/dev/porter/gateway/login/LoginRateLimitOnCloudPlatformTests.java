package dev.porter.gateway.login;

import org.springframework.test.context.TestPropertySource;

/**
 * The same per-address budget on a platform Spring Boot detects as a cloud (Kubernetes
 * here): Boot then lets Reactor Netty take the client address from
 * {@code X-Forwarded-For} unless told otherwise, before {@code TRUSTED_PROXIES} is
 * consulted, and every forged header would buy a fresh budget.
 */
@TestPropertySource(properties = "spring.main.cloud-platform=kubernetes")
class LoginRateLimitOnCloudPlatformTests extends LoginRateLimitTests {

}
