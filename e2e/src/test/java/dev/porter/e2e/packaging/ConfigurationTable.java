package dev.porter.e2e.packaging;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's configuration table, read as documentation of which variables each service
 * takes: a row names its variables in its first column and the services (or {@code all})
 * in its second.
 */
final class ConfigurationTable {

	private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

	private ConfigurationTable() {
	}

	/**
	 * The README's configuration table: service (or {@code all}) → the variables its rows
	 * name for it.
	 */
	static Map<String, Set<String>> variablesByService(String readme) {
		Map<String, Set<String>> documented = new LinkedHashMap<>();
		int start = readme.indexOf("\n## Configuration\n");
		int end = readme.indexOf("\n## ", start + 1);
		String table = (start < 0) ? "" : readme.substring(start, (end < 0) ? readme.length() : end);
		for (String line : table.split("\n")) {
			String[] columns = line.split("\\|");
			if (!line.startsWith("| `") || columns.length < 3) {
				continue;
			}
			Set<String> names = new LinkedHashSet<>();
			Matcher name = NAME.matcher(columns[1]);
			while (name.find()) {
				names.add(name.group(1));
			}
			for (String service : columns[2].split(",")) {
				documented.computeIfAbsent(service.trim(), (key) -> new LinkedHashSet<>()).addAll(names);
			}
		}
		return documented;
	}

}
