@NullMarked
package dev.porter.devidp.management;

import org.jspecify.annotations.NullMarked;
