@NullMarked
package dev.porter.e2e.stack;

import org.jspecify.annotations.NullMarked;
