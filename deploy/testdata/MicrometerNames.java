/*
 * Makes the scrape fixtures of deploy/test_check_dashboard_metrics.py with the Micrometer that
 * Spring Boot 4.0.7 manages (1.16.6): the SPEC section 5 meters, registered the way a
 * MeterBinder would, scraped in Prometheus text format and in OpenMetrics. Not part of the
 * build. To refresh the fixtures (classpath of io.micrometer:micrometer-registry-prometheus,
 * e.g. from `mvn dependency:build-classpath` in a project with that dependency):
 *
 *   javac -cp "$CP" -d /tmp/mn deploy/testdata/MicrometerNames.java
 *   java -cp "/tmp/mn:$CP" MicrometerNames   # prints text format, "==== OPENMETRICS", OpenMetrics
 */
import io.micrometer.core.instrument.*;
import io.micrometer.prometheusmetrics.*;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

public class MicrometerNames {
  public static void main(String[] a) throws Exception {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    AtomicLong v = new AtomicLong(3);
    Tags t = Tags.of("listener", "echo", "type", "echo");
    Gauge.builder("portico.connections.active", v, AtomicLong::get).tags(t).register(r);
    Counter.builder("portico.connections.accepted").tags(t).register(r).increment();
    Counter.builder("portico.connections.rejected").tags(t).tag("reason", "max-connections").register(r).increment();
    Counter.builder("portico.bytes.received").baseUnit("bytes").tags(t).register(r).increment(5);
    Counter.builder("portico.bytes.sent").baseUnit("bytes").tags(t).register(r).increment(5);
    Counter.builder("portico.messages.received").tags(t).register(r).increment();
    Counter.builder("portico.messages.sent").tags(t).register(r).increment();
    Gauge.builder("portico.queue.bytes", v, AtomicLong::get).baseUnit("bytes").tags(t).register(r);
    Gauge.builder("portico.queue.messages", v, AtomicLong::get).tags(t).register(r);
    Counter.builder("portico.errors").tags(t).tag("kind", "bad-frame").register(r).increment();
    Timer.builder("portico.search.requests").publishPercentileHistogram().tags("listener", "search", "type", "search", "outcome", "success")
        .register(r).record(Duration.ofMillis(1));
    System.out.print(r.scrape());
    System.out.println("==== OPENMETRICS");
    System.out.print(r.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8"));
  }
}
