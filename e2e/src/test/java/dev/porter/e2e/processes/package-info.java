@NullMarked
package dev.porter.e2e.processes;

import org.jspecify.annotations.NullMarked;
