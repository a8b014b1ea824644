@NullMarked
package dev.porter.e2e.http;

import org.jspecify.annotations.NullMarked;
