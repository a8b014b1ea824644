/**
 * What the modules' tests need alike and must not each write again: a throw-away
 * {@code redis-server} ({@link dev.porter.testsupport.RedisServer}), the package rules
 * each module's {@code ArchitectureTests} applies
 * ({@link dev.porter.testsupport.PackageRules}), a primary endpoint that a failover
 * renames ({@link dev.porter.testsupport.PrimaryEndpoint}), a bounded wait for what
 * another thread or process makes true ({@link dev.porter.testsupport.Eventually}) and
 * WireMock answers a test holds back until it releases them
 * ({@link dev.porter.testsupport.HeldAnswers}), and a connection driven byte by byte that
 * tells whether the server closed it or what it answered
 * ({@link dev.porter.testsupport.RawConnection}).
 */
package dev.porter.testsupport;
