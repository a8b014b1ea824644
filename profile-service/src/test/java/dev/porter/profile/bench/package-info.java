@NullMarked
package dev.porter.profile.bench;

import org.jspecify.annotations.NullMarked;
