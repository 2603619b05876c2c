/** Basics shared by the stored formats (table, WAL, manifest) and the engine: size limits. */
package dev.shaledb.format;
