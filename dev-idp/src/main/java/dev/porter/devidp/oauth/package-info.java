@NullMarked
package dev.porter.devidp.oauth;

import org.jspecify.annotations.NullMarked;
