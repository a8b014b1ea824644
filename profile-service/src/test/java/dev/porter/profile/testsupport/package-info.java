@NullMarked
package dev.porter.profile.testsupport;

import org.jspecify.annotations.NullMarked;
