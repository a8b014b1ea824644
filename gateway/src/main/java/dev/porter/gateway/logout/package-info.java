@NullMarked
package dev.porter.gateway.logout;

import org.jspecify.annotations.NullMarked;
