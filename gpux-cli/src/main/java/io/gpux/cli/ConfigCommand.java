package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.config.SettingsFile;
import io.gpux.error.GpuxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gpux config}: the settings file, GPUX_HOME/config.yml. */
@Command(
    name = "config",
    description = "The settings file (GPUX_HOME/config.yml): get, set, unset and list settings.",
    subcommands = {
      ConfigCommand.Get.class,
      ConfigCommand.SetSetting.class,
      ConfigCommand.Unset.class,
      ConfigCommand.ListSettings.class
    },
    footer = {
      "",
      "Settings: index.url (GPUX_INDEX_URL). The environment wins over the file;",
      "a password in the file is accepted only while the file is readable by its owner",
      "alone (gpux config set writes it so), and never printed.",
      "Examples:",
      "  gpux config set index.url postgresql://gpux@db.internal:5432/gpux",
      "  gpux config list",
      "See docs/index-postgresql.md."
    })
final class ConfigCommand implements Runnable {
  @ParentCommand GpuxCommand parent;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(parent.out);
  }

  /** The settings file of the store this command works on. */
  private Path file(Gpux gpux) {
    return SettingsFile.of(gpux.settings().home());
  }

  private SettingsFile.Setting effective(Gpux gpux, String key) {
    SettingsFile.check(key);
    return SettingsFile.effective(gpux.settings().env()).stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow();
  }

  @Command(name = "get", description = "Print a setting's value as it applies now.")
  static final class Get implements Callable<Integer> {
    @ParentCommand ConfigCommand c;

    @Parameters(paramLabel = "KEY", description = "e.g. index.url")
    String key;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        SettingsFile.Setting s = c.effective(gpux, key);
        if (s.value() == null) {
          throw GpuxException.notFound(
              key + " is not set (neither " + s.variable() + " nor " + c.file(gpux) + ")",
              "gpux config set " + key + " VALUE");
        }
        c.parent.out.println(SettingsFile.redact(s.value()));
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "set", description = "Keep a setting in the settings file.")
  static final class SetSetting implements Callable<Integer> {
    @ParentCommand ConfigCommand c;

    @Parameters(index = "0", paramLabel = "KEY", description = "e.g. index.url")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        SettingsFile.checkValue(key, value);
        Path file = c.file(gpux);
        SettingsFile.read(file).with(key, value).write();
        c.parent.out.println("Set " + key + " in " + file);
        SettingsFile.Setting now = c.effective(gpux, key);
        if ("environment".equals(now.source())) {
          c.parent.err.println(
              "gpux: warning: "
                  + now.variable()
                  + " is set in the environment and wins over the file; unset it to use "
                  + key);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "unset", description = "Remove a setting from the settings file.")
  static final class Unset implements Callable<Integer> {
    @ParentCommand ConfigCommand c;

    @Parameters(paramLabel = "KEY", description = "e.g. index.url")
    String key;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        SettingsFile.check(key);
        Path file = c.file(gpux);
        SettingsFile f = SettingsFile.read(file);
        if (f.values().containsKey(key)) {
          f.with(key, null).write();
          c.parent.out.println("Unset " + key + " in " + file);
        } else {
          c.parent.out.println(key + " was not set in " + file);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "list", description = "List the settings, their values and where each is from.")
  static final class ListSettings implements Callable<Integer> {
    @ParentCommand ConfigCommand c;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
      try (Gpux gpux = c.parent.gpux()) {
        var all = SettingsFile.effective(gpux.settings().env());
        if (json) {
          var o = Json.NODES.objectNode();
          o.put("file", c.file(gpux).toString());
          var arr = o.putArray("settings");
          for (SettingsFile.Setting s : all) {
            var item = arr.addObject().put("key", s.key()).put("variable", s.variable());
            if (s.value() == null) {
              item.putNull("value").putNull("source");
            } else {
              item.put("value", SettingsFile.redact(s.value())).put("source", s.source());
            }
          }
          c.parent.out.println(Json.render(o, true));
          return ExitCodes.OK;
        }
        TextTable t = new TextTable("KEY", "VALUE", "FROM");
        for (SettingsFile.Setting s : all) {
          t.row(
              s.key(),
              s.value() == null ? "-" : SettingsFile.redact(s.value()),
              s.value() == null
                  ? "-"
                  : s.source().equals("environment") ? s.variable() : s.source());
        }
        t.print(c.parent.out, "");
        return ExitCodes.OK;
      }
    }
  }
}
