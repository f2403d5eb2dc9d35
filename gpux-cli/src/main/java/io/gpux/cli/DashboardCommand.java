package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.monitor.DashboardServer;
import io.gpux.monitor.History;
import io.gpux.server.StopSignals;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gpux dashboard}: the monitoring dashboard over the stored history. */
@Command(
    name = "dashboard",
    description = {
      "Show the monitoring dashboard in a browser.",
      "The history gpux serve recorded, insights and benchmarks, with or without a server",
      "running (a running gpux serve also has it at /dashboard, with live updates). Nothing is",
      "fetched from elsewhere: it works air-gapped."
    })
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand GpuxCommand parent;

  @Option(
      names = {"-H", "--host"},
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "8090",
      description = "Port, 0 to 65535 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw io.gpux.error.GpuxException.invalidInput(
          "--port must be between 0 and 65535, got " + port, "e.g. gpux dashboard --port 8090");
    }
    try (Gpux gpux = parent.gpux();
        History history = gpux.monitor().openHistory()) {
      StopSignals stop = StopSignals.install();
      try (DashboardServer server =
          DashboardServer.start(gpux.monitor().dashboard(history, false), host, port)) {
        parent.out.println(
            "Dashboard on http://"
                + host
                + ":"
                + server.port()
                + "/ ("
                + history.rows()
                + " rows of history; Ctrl-C stops it)");
        parent.out.flush();
        stop.await();
      }
      return ExitCodes.OK;
    }
  }
}
