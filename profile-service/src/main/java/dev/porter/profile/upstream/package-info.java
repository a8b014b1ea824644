@NullMarked
package dev.porter.profile.upstream;

import org.jspecify.annotations.NullMarked;
