/**
 * A record of the tokens dev-idp issued, for tests that must prove a token never reached
 * a browser.
 */
@NullMarked
package dev.porter.devidp.issued;

import org.jspecify.annotations.NullMarked;
