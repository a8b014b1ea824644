@NullMarked
package dev.porter.gateway.routing;

import org.jspecify.annotations.NullMarked;
