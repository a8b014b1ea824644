package dev.porter.devidp.faults;

import java.util.Map;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The test controls for faults and counters. They sit under {@code /dev}, which the
 * loopback-only security chain guards.
 */
@RestController
class DevControlsController {

	private final FaultRegistry faults;

	private final RequestStats stats;

	private final FaultsProperties properties;

	DevControlsController(FaultRegistry faults, RequestStats stats, FaultsProperties properties) {
		this.faults = faults;
		this.stats = stats;
		this.properties = properties;
	}

	/** Replaces the group's faults and answers the settings now in effect. */
	@PutMapping("/dev/faults/{group}")
	ResponseEntity<FaultSettings> putFaults(@PathVariable String group, @Valid @RequestBody FaultRequest request) {
		return EndpointGroup.named(group).map((endpoints) -> {
			FaultSettings settings = FaultSettings.from(request, this.properties.maxLatency());
			this.faults.set(endpoints, settings);
			return ResponseEntity.ok(settings);
		}).orElseGet(() -> ResponseEntity.notFound().build());
	}

	@GetMapping("/dev/faults")
	Map<String, FaultSettings> faults() {
		return this.faults.snapshot();
	}

	@DeleteMapping("/dev/faults")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void clearFaults() {
		this.faults.clear();
	}

	@GetMapping("/dev/stats")
	RequestStats.Snapshot stats() {
		return this.stats.snapshot();
	}

	@DeleteMapping("/dev/stats")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void resetStats() {
		this.stats.reset();
	}

}
