/**
 * What the modules' tests need alike and must not each write again: a throw-away
 * {@code redis-server} ({@link dev.porter.testsupport.RedisServer}) and the package rules
 * each module's {@code ArchitectureTests} applies
 * ({@link dev.porter.testsupport.PackageRules}).
 */
package dev.porter.testsupport;
