package dev.porter.profile.cache;

/**
 * A value from a {@link SwrCache} and how it was found.
 *
 * @param value the value
 * @param lookup the cache's answer
 * @param <V> value type
 */
public record Cached<V>(V value, Lookup lookup) {
}
