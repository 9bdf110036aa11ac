import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * A local Neo4j Community server for development and tests: the embedded database of {@code org.neo4j:neo4j}
 * with its Bolt connector on a loopback port, authentication off and HTTP off. SIGTERM (or Ctrl-C) shuts the
 * database down cleanly through a shutdown hook. Started by {@code rolegraph neo4j start}.
 *
 * <pre>java -Xmx512m -cp 'lib/*:launcher' Launcher --home DIR --port 7687 [--pagecache-mib 256] [--exit-with PID]</pre>
 *
 * <p>With {@code --exit-with PID} the server also shuts down once that process is gone (checked from the start,
 * so also while the database boots), and a test session that dies without stopping it leaves no server behind.
 *
 * <p>The default database is {@code neo4j}, as on a packaged server. Transaction logs are kept to one file
 * and not preallocated: repeated loads on a developer machine should not fill its disk.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opts = parse(args);
        Path home = Path.of(require(opts, "--home")).toAbsolutePath();
        int port = Integer.parseInt(require(opts, "--port"));
        long pageCacheMib = Long.parseLong(opts.getOrDefault("--pagecache-mib", "256"));

        if (opts.containsKey("--exit-with")) {
            exitWith(Long.parseLong(opts.get("--exit-with")));
        }
        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMib))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .build();
        } catch (RuntimeException e) {
            System.err.println("rolegraph-neo4j: could not start: " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "rolegraph-neo4j-shutdown"));
        System.out.println("rolegraph-neo4j: Bolt on 127.0.0.1:" + port + ", data in " + home);
        System.out.flush();
        // The database runs on its own threads; the main thread only waits for the JVM to be stopped.
        Thread.currentThread().join();
    }

    /** Exits (running the shutdown hook) when process {@code pid} has ended; checks every two seconds. */
    private static void exitWith(long pid) {
        Thread watch = new Thread(() -> {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("rolegraph-neo4j: process " + pid + " has ended; shutting down");
            System.exit(0);
        }, "rolegraph-neo4j-exit-with");
        watch.setDaemon(true);
        watch.start();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            System.err.println("rolegraph-neo4j: missing " + name);
            System.exit(2);
        }
        return value;
    }
}
