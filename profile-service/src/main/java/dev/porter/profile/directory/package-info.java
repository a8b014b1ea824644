@NullMarked
package dev.porter.profile.directory;

import org.jspecify.annotations.NullMarked;
