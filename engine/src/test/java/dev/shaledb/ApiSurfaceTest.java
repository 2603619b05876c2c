package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.wal.WalWriterOptions;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of docs/architecture.md ("Packages"), enforced: {@code dev.shaledb} holds only public
 * API types, and what they expose publicly is API too — so no internal type leaks into a user's
 * code by a signature.
 */
class ApiSurfaceTest {
  private static final Set<String> API_PACKAGES =
      Set.of("dev.shaledb", "dev.shaledb.error", "dev.shaledb.objectstore");

  /** Lower-module types the API exposes, declared API in their Javadoc. */
  private static final Set<Class<?>> DECLARED_API =
      Set.of(SstOptions.class, WalWriterOptions.class, ObjectStoreMetrics.class, Checkpoint.class);

  @Test
  void theRootPackageHoldsOnlyPublicTypes() throws Exception {
    List<Class<?>> types = rootTypes();
    assertThat(types).as("the scan found the API").contains(Db.class, DbReader.class);
    assertThat(types).filteredOn(c -> !Modifier.isPublic(c.getModifiers())).isEmpty();
  }

  @Test
  void apiSignaturesExposeOnlyApiTypes() throws Exception {
    Set<String> leaks = new TreeSet<>();
    for (Class<?> type : rootTypes()) {
      check(type, leaks);
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void aLeakIsFound() {
    // Non-vacuity: a signature with an internal type is reported.
    Set<String> leaks = new TreeSet<>();
    check(Leaky.class, leaks);
    assertThat(leaks).anyMatch(s -> s.contains("DbCore"));
  }

  /** A public type with an internal type in its signature, for {@link #aLeakIsFound()}. */
  public static final class Leaky {
    public dev.shaledb.core.DbCore core() {
      return null;
    }
  }

  private static void check(Class<?> type, Set<String> leaks) {
    if (!Modifier.isPublic(type.getModifiers())) {
      return;
    }
    for (Type t : type.getGenericInterfaces()) {
      requireApi(t, type.getName() + " implements", leaks);
    }
    requireApi(type.getGenericSuperclass(), type.getName() + " extends", leaks);
    List<Executable> members = new ArrayList<>(List.of(type.getDeclaredConstructors()));
    members.addAll(List.of(type.getDeclaredMethods()));
    for (Executable e : members) {
      if (!exposed(e.getModifiers()) || e.isSynthetic()) {
        continue;
      }
      String where = type.getName() + "." + e.getName();
      for (Type p : e.getGenericParameterTypes()) {
        requireApi(p, where, leaks);
      }
      for (Type x : e.getGenericExceptionTypes()) {
        requireApi(x, where + " throws", leaks);
      }
      if (e instanceof Method m) {
        requireApi(m.getGenericReturnType(), where + " returns", leaks);
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (exposed(f.getModifiers()) && !f.isSynthetic()) {
        requireApi(f.getGenericType(), type.getName() + "." + f.getName(), leaks);
      }
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      check(nested, leaks);
    }
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void requireApi(Type t, String where, Set<String> leaks) {
    if (t == null) {
      return;
    }
    if (t instanceof ParameterizedType p) {
      requireApi(p.getRawType(), where, leaks);
      for (Type a : p.getActualTypeArguments()) {
        requireApi(a, where, leaks);
      }
    } else if (t instanceof GenericArrayType g) {
      requireApi(g.getGenericComponentType(), where, leaks);
    } else if (t instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .forEach(b -> requireApi(b, where, leaks));
    } else if (t instanceof Class<?> c && !isApi(c)) {
      leaks.add(where + ": " + c.getName());
    } else if (!(t instanceof Class<?>) && !(t instanceof TypeVariable<?>)) {
      leaks.add(where + ": unexpected type " + t);
    }
  }

  private static boolean isApi(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    Class<?> top = c;
    while (top.getEnclosingClass() != null) {
      top = top.getEnclosingClass();
    }
    return c.isPrimitive()
        || c.getPackageName().startsWith("java.")
        || API_PACKAGES.contains(c.getPackageName())
        || DECLARED_API.contains(top);
  }

  /** Every top-level type compiled into the main classes' {@code dev/shaledb} directory. */
  private static List<Class<?>> rootTypes()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path dir =
        Path.of(Db.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("dev/shaledb");
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class") && !name.contains("$") && !name.equals("package-info.class")) {
          out.add(Class.forName("dev.shaledb." + name.substring(0, name.length() - 6)));
        }
      }
    }
    return out;
  }
}
