@NullMarked
package dev.porter.gateway.login;

import org.jspecify.annotations.NullMarked;
