package dev.shaledb.objectstore;

/** The kinds of object-store request, as they are billed. */
public enum RequestType {
  PUT,
  GET,
  HEAD,
  LIST,
  DELETE
}
