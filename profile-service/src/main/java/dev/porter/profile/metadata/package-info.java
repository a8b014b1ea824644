@NullMarked
package dev.porter.profile.metadata;

import org.jspecify.annotations.NullMarked;
