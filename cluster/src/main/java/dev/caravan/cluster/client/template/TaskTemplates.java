package dev.caravan.cluster.client.template;

import dev.caravan.cluster.structs.Template;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code template} blocks of one task, rendered into its directory: {@code source} read
 * relative to the task directory (and kept inside the allocation directory, as Nomad's file
 * sandbox does), {@code destination} written relative to the task directory (never outside the
 * allocation directory), with {@code perms}. Remembers what it last wrote and the source's
 * modification time, so {@link #rerender} reports only the templates whose output changed.
 *
 * <p>Not thread-safe: one task's runner renders and polls it.
 */
public final class TaskTemplates {
  private final List<Template> templates;
  private final Path allocDir;
  private final Path taskDir;
  private final String[] written;
  private final FileTime[] sourceTimes;

  public TaskTemplates(List<Template> templates, Path allocDir, Path taskDir) {
    this.templates = List.copyOf(templates);
    this.allocDir = allocDir.toAbsolutePath().normalize();
    this.taskDir = taskDir.toAbsolutePath().normalize();
    this.written = new String[this.templates.size()];
    this.sourceTimes = new FileTime[this.templates.size()];
  }

  public boolean isEmpty() {
    return templates.isEmpty();
  }

  /** Whether a template reads a file, which may change while the task runs. */
  public boolean hasSources() {
    return templates.stream().anyMatch(t -> present(t.sourcePath()));
  }

  /**
   * Renders every template and writes its destination (before the task starts).
   *
   * @throws TemplateException "Template failed: ..." naming the template and the problem
   */
  public void renderAll(Map<String, String> env) throws TemplateException {
    for (int i = 0; i < templates.size(); i++) {
      render(i, env, true);
    }
  }

  /**
   * Renders again the templates whose source file changed since the last render and writes
   * those whose output changed; returns them (their {@code change_mode} is the caller's).
   *
   * @throws TemplateException "Template failed: ..." when one cannot be rendered; the others
   *     are still rendered, and its old output stays
   */
  public List<Template> rerender(Map<String, String> env) throws TemplateException {
    List<Template> changed = new ArrayList<>();
    TemplateException first = null;
    for (int i = 0; i < templates.size(); i++) {
      if (!present(templates.get(i).sourcePath())) {
        continue;
      }
      try {
        if (render(i, env, false)) {
          changed.add(templates.get(i));
        }
      } catch (TemplateException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null && changed.isEmpty()) {
      throw first;
    }
    return changed;
  }

  /** The destination's name in messages: as the job wrote it. */
  public static String nameOf(Template t) {
    return t.destPath() == null ? "(no destination)" : t.destPath();
  }

  /** Renders template {@code i}; writes and returns true when its output differs. */
  private boolean render(int i, Map<String, String> env, boolean force) throws TemplateException {
    Template t = templates.get(i);
    String name = nameOf(t);
    String text;
    if (present(t.sourcePath())) {
      Path source = inside(t.sourcePath(), "source", name);
      try {
        FileTime mtime = Files.getLastModifiedTime(source);
        if (!force && mtime.equals(sourceTimes[i])) {
          return false;
        }
        text = Files.readString(source);
        sourceTimes[i] = mtime;
      } catch (NoSuchFileException e) {
        throw failed(name, "source " + t.sourcePath() + " does not exist (looked for " + source
            + ")");
      } catch (IOException e) {
        throw failed(name, "cannot read source " + source + ": " + e.getMessage());
      }
    } else if (t.embeddedTmpl() != null) {
      text = t.embeddedTmpl();
    } else {
      throw failed(name, "template needs a source or data");
    }
    String out;
    try {
      out = TemplateRenderer.render(name, text, t.leftDelim(), t.rightDelim(), env);
    } catch (TemplateException e) {
      throw new TemplateException("Template failed: " + e.getMessage());
    }
    if (!force && out.equals(written[i])) {
      return false;
    }
    write(t, name, out);
    boolean changed = written[i] != null && !out.equals(written[i]);
    written[i] = out;
    return changed || !force;
  }

  private void write(Template t, String name, String content) throws TemplateException {
    if (!present(t.destPath())) {
      throw failed(name, "template needs a destination");
    }
    Path dest = inside(t.destPath(), "destination", name);
    Set<PosixFilePermission> perms = perms(t.perms(), name);
    try {
      Files.createDirectories(dest.getParent());
      Path tmp = Files.createTempFile(dest.getParent(), ".tmpl-", ".tmp");
      Files.writeString(tmp, content);
      if (perms != null) {
        Files.setPosixFilePermissions(tmp, perms);
      }
      try {
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw failed(name, "cannot write " + dest + ": " + e.getMessage());
    }
  }

  /** {@code path} resolved against the task directory; refused when it leaves the alloc dir. */
  private Path inside(String path, String what, String name) throws TemplateException {
    Path resolved = taskDir.resolve(path).toAbsolutePath().normalize();
    if (!resolved.startsWith(allocDir)) {
      throw failed(name, what + " " + path + " escapes the allocation directory");
    }
    return resolved;
  }

  /** Octal perms as Nomad writes them ({@code "0644"}, {@code "600"}); null when unset. */
  static Set<PosixFilePermission> perms(String octal, String name) throws TemplateException {
    if (octal == null || octal.isBlank()) {
      return null;
    }
    int mode;
    try {
      mode = Integer.parseInt(octal.trim(), 8);
    } catch (NumberFormatException e) {
      throw failed(name, "perms \"" + octal + "\" is not an octal mode such as \"0644\"");
    }
    if (mode < 0 || mode > 0777) {
      throw failed(name, "perms \"" + octal + "\" is not an octal mode such as \"0644\"");
    }
    PosixFilePermission[] bits = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int b = 0; b < bits.length; b++) {
      if ((mode & (1 << b)) != 0) {
        out.add(bits[b]);
      }
    }
    return out;
  }

  private static TemplateException failed(String name, String problem) {
    return new TemplateException("Template failed: " + name + ": " + problem);
  }

  private static boolean present(String s) {
    return s != null && !s.isEmpty();
  }
}
