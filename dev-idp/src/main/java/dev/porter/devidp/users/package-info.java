@NullMarked
package dev.porter.devidp.users;

import org.jspecify.annotations.NullMarked;
