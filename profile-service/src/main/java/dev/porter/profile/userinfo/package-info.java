@NullMarked
package dev.porter.profile.userinfo;

import org.jspecify.annotations.NullMarked;
