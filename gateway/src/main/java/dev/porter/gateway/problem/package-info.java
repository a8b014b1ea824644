@NullMarked
package dev.porter.gateway.problem;

import org.jspecify.annotations.NullMarked;
