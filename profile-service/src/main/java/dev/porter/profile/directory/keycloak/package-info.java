@NullMarked
package dev.porter.profile.directory.keycloak;

import org.jspecify.annotations.NullMarked;
