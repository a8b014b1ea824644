@NullMarked
package dev.porter.devidp.login;

import org.jspecify.annotations.NullMarked;
