@NullMarked
package dev.porter.profile.directory.auth0;

import org.jspecify.annotations.NullMarked;
