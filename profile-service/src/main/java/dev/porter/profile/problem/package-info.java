@NullMarked
package dev.porter.profile.problem;

import org.jspecify.annotations.NullMarked;
