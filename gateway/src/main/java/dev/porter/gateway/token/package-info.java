@NullMarked
package dev.porter.gateway.token;

import org.jspecify.annotations.NullMarked;
