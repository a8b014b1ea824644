package dev.porter.gateway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.ReactorNetty;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopsTests {

	private String saved;

	@BeforeEach
	void save() {
		this.saved = System.getProperty(ReactorNetty.IO_WORKER_COUNT);
		System.clearProperty(ReactorNetty.IO_WORKER_COUNT);
	}

	@AfterEach
	void restore() {
		if (this.saved == null) {
			System.clearProperty(ReactorNetty.IO_WORKER_COUNT);
		}
		else {
			System.setProperty(ReactorNetty.IO_WORKER_COUNT, this.saved);
		}
	}

	@Test
	void matchProcessorsWhenNotConfiguredThenOneLoopPerProcessor() {
		EventLoops.matchProcessors();

		assertThat(System.getProperty(ReactorNetty.IO_WORKER_COUNT))
			.isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
	}

	@Test
	void matchProcessorsWhenConfiguredThenKeepsTheOperatorsChoice() {
		System.setProperty(ReactorNetty.IO_WORKER_COUNT, "7");

		EventLoops.matchProcessors();

		assertThat(System.getProperty(ReactorNetty.IO_WORKER_COUNT)).isEqualTo("7");
	}

}
