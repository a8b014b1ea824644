@NullMarked
package dev.porter.e2e.pages;

import org.jspecify.annotations.NullMarked;
