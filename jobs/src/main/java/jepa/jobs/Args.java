package jepa.jobs;

import jepa.settings.ConfigError;
import jepa.config.JepaConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of every job: {@code <job> [CONF] [key=value ...] [--master M] [--csv] [free text]}.
 * CONF defaults to conf/quick.conf when that file exists (the embedded default), else the built-in defaults.
 */
public record Args(String job, Path conf, List<String> overrides, String master, boolean csv, boolean printMaster, List<String> free) {

    public static final Path DEFAULT_CONF = Path.of("conf", "quick.conf");

    public static Args parse(String[] argv) {
        if (argv.length == 0) throw new ConfigError("usage: jepa <job> [CONF] [key=value ...] [--master M] [--csv]");
        Path conf = null;
        String master = null;
        boolean csv = false, printMaster = false;
        List<String> overrides = new ArrayList<>();
        List<String> free = new ArrayList<>();
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--csv")) csv = true;
            else if (a.equals("--print-master")) printMaster = true;
            else if (a.equals("--master")) {
                if (i + 1 >= argv.length) throw new ConfigError("--master needs a value");
                master = argv[++i];
            } else if (a.startsWith("--master=")) master = a.substring("--master=".length());
            else if (a.startsWith("--")) throw new ConfigError("unknown option " + a);
            else if (conf == null && overrides.isEmpty() && free.isEmpty() && (a.endsWith(".conf") || Files.isRegularFile(Path.of(a)))) conf = Path.of(a);
            else if (a.matches("[A-Za-z0-9_.-]+=\\S.*|[A-Za-z0-9_.-]+=")) overrides.add(a);
            else free.add(a);
        }
        if (conf == null && Files.isRegularFile(DEFAULT_CONF)) conf = DEFAULT_CONF;
        return new Args(argv[0], conf, List.copyOf(overrides), master, csv, printMaster, List.copyOf(free));
    }

    /** The validated configuration (errors name the key or file, before Spark starts). */
    public JepaConfig config() { return JepaConfig.load(conf, overrides); }
}
