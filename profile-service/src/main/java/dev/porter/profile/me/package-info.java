@NullMarked
package dev.porter.profile.me;

import org.jspecify.annotations.NullMarked;
