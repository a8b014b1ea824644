@NullMarked
package dev.porter.gateway.csrf;

import org.jspecify.annotations.NullMarked;
