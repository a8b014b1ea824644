package dev.porter.profile.metadata;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StrictJsonReader#asJavaScriptWritesIt} against a reference built another way:
 * from the interval of decimals that read back as the double (half-way to each neighbour,
 * ends included when the double's significand is even), as ECMA-262 Number::toString
 * defines its choice. Powers of two are where that interval is lopsided: the neighbour
 * below is half as far as the one above.
 */
class JavaScriptNumberDigitsTests {

	@Test
	void asJavaScriptWritesItWhenPowerOfTwoThenShortestNearestDigits() {
		for (int exponent = -1074; exponent <= 1023; exponent++) {
			double value = Math.scalb(1.0, exponent);
			assertThat(StrictJsonReader.asJavaScriptWritesIt(value)).as("2^%d", exponent)
				.isEqualByComparingTo(shortestNearest(value));
		}
	}

	@Test
	void asJavaScriptWritesItWhenKnownJavaScriptOutputThenSameDigits() {
		// JSON.stringify of 2**-24, 2**-44, 2**89, 0.1+0.2, 5e-324, Number.MAX_VALUE
		assertThat(StrictJsonReader.asJavaScriptWritesIt(Math.scalb(1.0, -24)))
			.isEqualByComparingTo("5.960464477539063e-8");
		assertThat(StrictJsonReader.asJavaScriptWritesIt(Math.scalb(1.0, -44)))
			.isEqualByComparingTo("5.684341886080802e-14");
		assertThat(StrictJsonReader.asJavaScriptWritesIt(Math.scalb(1.0, 89)))
			.isEqualByComparingTo("6.189700196426902e+26");
		assertThat(StrictJsonReader.asJavaScriptWritesIt(0.1 + 0.2)).isEqualByComparingTo("0.30000000000000004");
		assertThat(StrictJsonReader.asJavaScriptWritesIt(Double.MIN_VALUE)).isEqualByComparingTo("5e-324");
		assertThat(StrictJsonReader.asJavaScriptWritesIt(Double.MAX_VALUE))
			.isEqualByComparingTo("1.7976931348623157e308");
	}

	/** For a positive finite double. */
	private static BigDecimal shortestNearest(double value) {
		BigDecimal exact = new BigDecimal(value);
		BigDecimal two = BigDecimal.valueOf(2);
		BigDecimal low = exact.add(new BigDecimal(Math.nextDown(value))).divide(two);
		BigDecimal high = (value == Double.MAX_VALUE) ? exact.add(new BigDecimal(Math.ulp(value)).divide(two))
				: exact.add(new BigDecimal(Math.nextUp(value))).divide(two);
		boolean endsReadBack = (Double.doubleToRawLongBits(value) & 1) == 0;
		int leadingDigitExponent = exact.precision() - exact.scale() - 1;
		for (int digits = 1;; digits++) {
			BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(leadingDigitExponent - digits + 1);
			BigInteger lowest = low.divide(unit).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
			BigInteger highest = high.divide(unit).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
			if (!endsReadBack && new BigDecimal(lowest).multiply(unit).compareTo(low) == 0) {
				lowest = lowest.add(BigInteger.ONE);
			}
			if (!endsReadBack && new BigDecimal(highest).multiply(unit).compareTo(high) == 0) {
				highest = highest.subtract(BigInteger.ONE);
			}
			if (lowest.compareTo(highest) > 0) {
				continue;
			}
			BigDecimal scaled = exact.divide(unit);
			BigInteger below = scaled.setScale(0, RoundingMode.FLOOR).toBigIntegerExact().max(lowest);
			BigInteger above = scaled.setScale(0, RoundingMode.CEILING).toBigIntegerExact().min(highest);
			int comparison = scaled.subtract(new BigDecimal(below)).compareTo(new BigDecimal(above).subtract(scaled));
			BigInteger chosen = (comparison < 0 || (comparison == 0 && !below.testBit(0))) ? below : above;
			return new BigDecimal(chosen).multiply(unit);
		}
	}

}
