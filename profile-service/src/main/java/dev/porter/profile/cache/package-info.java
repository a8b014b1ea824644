@NullMarked
package dev.porter.profile.cache;

import org.jspecify.annotations.NullMarked;
