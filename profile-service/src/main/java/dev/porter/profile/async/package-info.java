@NullMarked
package dev.porter.profile.async;

import org.jspecify.annotations.NullMarked;
