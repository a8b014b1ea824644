@NullMarked
package dev.porter.devidp.backchannel;

import org.jspecify.annotations.NullMarked;
