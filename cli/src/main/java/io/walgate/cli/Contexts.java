package io.walgate.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ~/.config/walctl/config.yaml} ({@code $WALCTL_CONFIG} elsewhere): named contexts, each a
 * controller, a gateway and how to authenticate, and which one is current.
 */
final class Contexts {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The file's content. */
    static final class File {
        public String currentContext;
        public Map<String, Context> contexts = new LinkedHashMap<>();
    }

    /** One context; unset fields take the defaults of a local `./walgate up`. */
    static final class Context {
        public String controller;
        public String gateway;
        /** A delivery worker, whose metrics give lag and DLQ depth. */
        public String worker;
        /** none (default), token or client-credentials. */
        public String auth;

        public String token;
        public String tokenUrl;
        public String clientId;
        public String clientSecret;
    }

    private final Path path;
    private final File file;

    private Contexts(Path path, File file) {
        this.path = path;
        this.file = file;
    }

    static Path defaultPath() {
        String override = System.getenv("WALCTL_CONFIG");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("walctl").resolve("config.yaml");
    }

    static Contexts load() {
        Path path = defaultPath();
        if (!Files.exists(path)) {
            return new Contexts(path, new File());
        }
        try {
            File file = YAML.readValue(path.toFile(), File.class);
            return new Contexts(path, file == null ? new File() : file);
        } catch (IOException e) {
            throw new CliException(
                    CliException.USAGE,
                    "cannot read " + path + ": " + firstLine(e.getMessage()) + " (fix or remove the file)");
        }
    }

    void save() {
        try {
            PrivateFiles.write(path, YAML.writeValueAsString(file)); // it holds client secrets
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "cannot write " + path + ": " + e.getMessage());
        }
    }

    Path path() {
        return path;
    }

    File file() {
        return file;
    }

    /** The named context, or the current one when {@code name} is null; null when there is none. */
    Context find(String name) {
        String wanted = name != null ? name : file.currentContext;
        if (wanted == null) {
            return null;
        }
        Context c = file.contexts.get(wanted);
        if (c == null && name != null) {
            throw new CliException(
                    CliException.USAGE,
                    "no context '" + name + "' in " + path + " (see: walctl config view; create it with walctl config"
                            + " set-context " + name + " --controller URL)");
        }
        return c;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
