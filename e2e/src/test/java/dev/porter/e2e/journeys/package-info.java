@NullMarked
package dev.porter.e2e.journeys;

import org.jspecify.annotations.NullMarked;
