@NullMarked
package dev.porter.gateway;

import org.jspecify.annotations.NullMarked;
