package dev.porter.profile.metadata;

/**
 * One rule a metadata change broke.
 *
 * @param pointer JSON pointer (RFC 6901) to the bad member of the request body
 * ({@code ""} is the whole body)
 * @param detail what is wrong, for people
 */
public record Violation(String pointer, String detail) {
}
