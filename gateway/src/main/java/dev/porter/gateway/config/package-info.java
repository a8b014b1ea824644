@NullMarked
package dev.porter.gateway.config;

import org.jspecify.annotations.NullMarked;
