@NullMarked
package dev.porter.devidp;

import org.jspecify.annotations.NullMarked;
