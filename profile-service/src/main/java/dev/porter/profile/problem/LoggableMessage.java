package dev.porter.profile.problem;

/**
 * A failure whose message holds no caller data (no body, no URI with an id), only what
 * tells its kinds apart: it may be logged where other messages are left out.
 */
public interface LoggableMessage {

}
