@NullMarked
package dev.porter.profile.oidc;

import org.jspecify.annotations.NullMarked;
