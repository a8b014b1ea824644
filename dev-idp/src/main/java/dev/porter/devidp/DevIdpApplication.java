package dev.porter.devidp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DevIdpApplication {

	public static void main(String[] args) {
		SpringApplication.run(DevIdpApplication.class, args);
	}

}
