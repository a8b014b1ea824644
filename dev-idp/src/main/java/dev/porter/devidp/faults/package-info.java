@NullMarked
package dev.porter.devidp.faults;

import org.jspecify.annotations.NullMarked;
