@NullMarked
package dev.porter.gateway.session;

import org.jspecify.annotations.NullMarked;
