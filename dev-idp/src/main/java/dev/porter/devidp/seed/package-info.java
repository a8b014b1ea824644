@NullMarked
package dev.porter.devidp.seed;

import org.jspecify.annotations.NullMarked;
