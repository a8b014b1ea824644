@NullMarked
package dev.porter.profile;

import org.jspecify.annotations.NullMarked;
