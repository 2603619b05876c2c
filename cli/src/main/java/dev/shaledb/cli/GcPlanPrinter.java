package dev.shaledb.cli;

import dev.shaledb.GcPlan;
import dev.shaledb.GcResult;
import dev.shaledb.objectstore.ObjectMeta;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link GcPlan} for {@code gc --dry-run}: a summary line in the words of a real run's,
 * then each manifest to retire and each object to delete, every list cut at the limit.
 */
final class GcPlanPrinter {
  private GcPlanPrinter() {}

  static void print(PrintWriter out, GcPlan plan, boolean json, int limit) {
    GcResult r = plan.result();
    if (json) {
      out.println(
          Json.write(
              Json.object(
                  "dryRun", true,
                  "storeTime", r.storeTime().toString(),
                  "latestManifestId", r.latestManifestId(),
                  "manifestsToRetire", new ArrayList<Object>(cut(plan.manifestsToRetire(), limit)),
                  "tableFloor", plan.tableFloor(),
                  "tablesToDelete", objects(cut(plan.tablesToDelete(), limit)),
                  "walObjectsToDelete", objects(cut(plan.walObjectsToDelete(), limit)),
                  "otherWrites", new ArrayList<Object>(plan.otherWrites()),
                  "manifestsRetired", r.manifestsRetired(),
                  "tablesDeleted", r.tablesDeleted(),
                  "walObjectsDeleted", r.walObjectsDeleted(),
                  "bytesDeleted", r.bytesDeleted(),
                  "requests", r.requests(),
                  "truncated", truncated(plan, limit))));
      return;
    }
    out.printf(
        "dry run: would retire %s, delete %s and %s (%s)%s; nothing was changed%n",
        Text.count(r.manifestsRetired(), "manifest"),
        Text.count(r.tablesDeleted(), "table"),
        Text.count(r.walObjectsDeleted(), "WAL object"),
        Text.size(r.bytesDeleted()),
        plan.tableFloor().isEmpty()
            ? ""
            : ", after publishing table floor '" + plan.tableFloor() + "'");
    for (long id : cut(plan.manifestsToRetire(), limit)) {
      out.println("retire  manifest " + id);
    }
    for (ObjectMeta m : cut(plan.tablesToDelete(), limit)) {
      out.printf("delete  %s  %s  %s%n", m.key(), Text.size(m.size()), m.lastModified());
    }
    for (ObjectMeta m : cut(plan.walObjectsToDelete(), limit)) {
      out.printf("delete  %s  %s  %s%n", m.key(), Text.size(m.size()), m.lastModified());
    }
    for (String w : plan.otherWrites()) {
      out.println("write   " + w);
    }
    if (truncated(plan, limit)) {
      out.println("(lists cut at " + limit + " each; --limit 0 shows all)");
    }
  }

  private static <T> List<T> cut(List<T> list, int limit) {
    return list.size() <= limit ? list : list.subList(0, limit);
  }

  private static boolean truncated(GcPlan plan, int limit) {
    return plan.manifestsToRetire().size() > limit
        || plan.tablesToDelete().size() > limit
        || plan.walObjectsToDelete().size() > limit;
  }

  private static List<Object> objects(List<ObjectMeta> metas) {
    List<Object> json = new ArrayList<>();
    for (ObjectMeta m : metas) {
      Map<String, Object> o =
          Json.object(
              "key", m.key(), "bytes", m.size(), "lastModified", m.lastModified().toString());
      json.add(o);
    }
    return json;
  }
}
