@NullMarked
package dev.porter.devidp.userinfo;

import org.jspecify.annotations.NullMarked;
