@NullMarked
package dev.porter.e2e.packaging;

import org.jspecify.annotations.NullMarked;
