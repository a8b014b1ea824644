@NullMarked
package dev.porter.profile.config;

import org.jspecify.annotations.NullMarked;
