@NullMarked
package dev.porter.e2e.agents;

import org.jspecify.annotations.NullMarked;
