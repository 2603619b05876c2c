package dev.shaledb.objectstore.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Gives S3Proxy's file-system-backed stores S3's flat namespace. They keep {@code a/b} as file
 * {@code b} in directory {@code a}, so {@code a} and {@code a/b} cannot both exist, which S3 (and
 * ShaleDB) allow. This store hex-encodes every key's UTF-8 bytes into a single file name on the way
 * down and decodes listed keys on the way up. Hex keeps unsigned byte order and prefixes, so
 * listing order, prefix filters and start-after work unchanged on encoded keys.
 *
 * <p>Listing with a delimiter is not supported (encoded keys contain none); ShaleDB never does.
 */
final class FlatKeysBlobStore extends ForwardingBlobStore {
  private static final HexFormat HEX = HexFormat.of();

  FlatKeysBlobStore(BlobStore delegate) {
    super(delegate);
  }

  static String encode(String key) {
    return key == null ? null : HEX.formatHex(key.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String name) {
    return name == null ? null : new String(HEX.parseHex(name), StandardCharsets.UTF_8);
  }

  @Override
  public boolean blobExists(String container, String key) {
    return super.blobExists(container, encode(key));
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream body) {
    return super.putBlob(request.toBuilder().key(encode(request.key())).build(), body);
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    return super.copyBlob(
        request.toBuilder()
            .sourceKey(encode(request.sourceKey()))
            .destinationKey(encode(request.destinationKey()))
            .build());
  }

  @Override
  public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
    return super.blobMetadata(request.toBuilder().key(encode(request.key())).build());
  }

  @Override
  public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
    return super.getBlob(request.toBuilder().key(encode(request.key())).build());
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    return super.removeBlob(request.toBuilder().key(encode(request.key())).build());
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    if (request.delimiter() != null && !request.delimiter().isEmpty()) {
      throw new UnsupportedOperationException("listing with a delimiter is not supported");
    }
    ListObjectsV2Response response =
        super.list(
            request.toBuilder()
                .prefix(encode(request.prefix()))
                .startAfter(encode(request.startAfter()))
                .build());
    return response.toBuilder()
        .prefix(request.prefix())
        .startAfter(request.startAfter())
        .contents(
            response.contents().stream()
                // Other names are the store's temporary files of writes in progress.
                .filter(o -> isEncoded(o.key()))
                .map(o -> o.toBuilder().key(decode(o.key())).build())
                .toList())
        .build();
  }

  private static boolean isEncoded(String name) {
    if (name.length() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!HexFormat.isHexDigit(name.charAt(i)) || Character.isUpperCase(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void clearContainer(ListObjectsV2Request request) {
    super.clearContainer(request.toBuilder().prefix(encode(request.prefix())).build());
  }

  @Override
  public ObjectCannedACL getBlobAccess(String container, String key) {
    return super.getBlobAccess(container, encode(key));
  }

  @Override
  public ObjectCannedACL getBlobAccess(String container, String key, String versionId) {
    return super.getBlobAccess(container, encode(key), versionId);
  }

  @Override
  public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
    return super.getBlobAcl(request.toBuilder().key(encode(request.key())).build());
  }

  @Override
  public void setBlobAccess(String container, String key, ObjectCannedACL access) {
    super.setBlobAccess(container, encode(key), access);
  }

  @Override
  public void setBlobAccess(
      String container, String key, ObjectCannedACL access, String versionId) {
    super.setBlobAccess(container, encode(key), access, versionId);
  }

  @Override
  public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
    return decoded(
        super.initiateMultipartUpload(request.toBuilder().key(encode(request.key())).build()));
  }

  @Override
  public void abortMultipartUpload(MultipartUpload upload) {
    super.abortMultipartUpload(encoded(upload));
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    CompleteMultipartUploadResponse response =
        super.completeMultipartUpload(
            encoded(upload), request.toBuilder().key(encode(request.key())).build());
    return response.toBuilder().key(decode(response.key())).build();
  }

  @Override
  public UploadPartResponse uploadMultipartPart(
      MultipartUpload upload, UploadPartRequest request, InputStream body) {
    return super.uploadMultipartPart(
        encoded(upload), request.toBuilder().key(encode(request.key())).build(), body);
  }

  @Override
  public List<Part> listMultipartUpload(MultipartUpload upload) {
    return super.listMultipartUpload(encoded(upload));
  }

  @Override
  public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(
      String container) {
    return super.listMultipartUploads(container).stream()
        .map(u -> u.toBuilder().key(decode(u.key())).build())
        .toList();
  }

  private static MultipartUpload encoded(MultipartUpload upload) {
    return withKey(upload, encode(upload.request().key()));
  }

  private static MultipartUpload decoded(MultipartUpload upload) {
    return withKey(upload, decode(upload.request().key()));
  }

  private static MultipartUpload withKey(MultipartUpload upload, String key) {
    return new MultipartUpload(
        upload.id(),
        upload.request().toBuilder().key(key).build(),
        upload.response() == null ? null : upload.response().toBuilder().key(key).build());
  }
}
