@NullMarked
package dev.porter.devidp.config;

import org.jspecify.annotations.NullMarked;
