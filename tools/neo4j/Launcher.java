import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * <pre>java -Xmx512m -cp 'lib/*:launcher' Launcher --home DIR --port 7687[,PORT…] [--pagecache-mib 256] [--exit-with PID]</pre>
 *
 * <p>Each port after the first runs one more database server in the same JVM, with its data in
 * {@code DIR/instances/<n>} and its own page cache: Community holds one user database per server, and a test
 * session that needs several isolated databases starts them at the cost of a few seconds each instead of one
 * JVM each.
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
        long pageCacheMib = Long.parseLong(opts.getOrDefault("--pagecache-mib", "256"));

        if (opts.containsKey("--exit-with")) {
            exitWith(Long.parseLong(opts.get("--exit-with")));
        }
        List<DatabaseManagementService> servers = new ArrayList<>();
        // registered first: a SIGTERM during start-up also closes what has started
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(servers), "rolegraph-neo4j-shutdown"));
        String[] ports = require(opts, "--port").split(",");
        for (int n = 0; n < ports.length; n++) {
            int port = Integer.parseInt(ports[n].trim());
            Path folder = n == 0 ? home : home.resolve("instances").resolve(Integer.toString(n));
            try {
                DatabaseManagementService dbms = build(folder, port, pageCacheMib);
                synchronized (servers) {
                    servers.add(dbms);
                }
            } catch (RuntimeException e) {
                System.err.println("rolegraph-neo4j: could not start on port " + port + ": " + e);
                System.exit(1);
                return;
            }
            System.out.println("rolegraph-neo4j: Bolt on 127.0.0.1:" + port + ", data in " + folder);
            System.out.flush();
        }
        // The databases run on their own threads; the main thread only waits for the JVM to be stopped.
        Thread.currentThread().join();
    }

    private static DatabaseManagementService build(Path folder, int port, long pageCacheMib) {
        return new DatabaseManagementServiceBuilder(folder)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMib))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
    }

    /** Shuts the servers down, the last started first. */
    private static void shutdown(List<DatabaseManagementService> servers) {
        synchronized (servers) {
            for (int n = servers.size() - 1; n >= 0; n--) {
                servers.get(n).shutdown();
            }
        }
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
