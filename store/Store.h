//===- Store.h - The local content-addressed image store ---------*- C++ -*-===//
//
// An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) that skopeo and umoci
// read as is. Names live in index.json as `org.opencontainers.image.ref.name` annotations (the
// full normalised reference, e.g. "docker.io/library/busybox:latest"); a lookup table beside it
// makes name -> manifest resolution fast. Blobs become visible only after their digest is
// verified (temp file, fsync, rename); writers serialise on a lock file; readers never lock.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/Image.h"
#include "oci/Reference.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::store {

/// One tagged (or dangling) image as `ballast images` lists it.
struct ImageRecord {
  std::optional<oci::Reference> Ref; ///< none for an untagged image
  oci::Digest ManifestDigest;        ///< RepoDigest
  oci::Digest Id;                    ///< config digest
  std::string MediaType;
  std::string Created;        ///< from the config
  int64_t Size = 0;           ///< uncompressed size: sum of layer diff sizes when known
  int64_t CompressedSize = 0; ///< config + layer blobs
};

/// Result of fsck.
struct FsckReport {
  std::vector<std::string> Corrupt;  ///< blob paths whose bytes do not match their name
  std::vector<std::string> Dangling; ///< temp/partial files and blobs nothing references
  std::vector<std::string> Missing;  ///< digests referenced by an index entry but absent
  uint64_t BlobsChecked = 0;
  bool clean() const { return Corrupt.empty() && Missing.empty(); }
};

/// What `rmi` did: the names it untagged and the blobs it deleted (image ID first).
struct RemoveReport {
  std::vector<std::string> Untagged; ///< familiar names, e.g. "busybox:latest"
  std::vector<oci::Digest> Deleted;
};

/// Result of prune / garbage collection.
struct PruneReport {
  std::vector<std::pair<oci::Digest, int64_t>> Removed; ///< (digest, bytes), or would-be
  int64_t Bytes = 0;
};

/// What `image prune` drops before collecting blobs.
enum class PruneScope {
  Dangling,    ///< untagged images that are no other stored image's parent
  AllUntagged, ///< every untagged image, parents included (`image prune -a`)
};

/// An exclusive writer lock on the store (flock on `<root>/.ballast/lock`), released on
/// destruction.
class WriteLock {
public:
  WriteLock(WriteLock &&O) noexcept : Fd(O.Fd) { O.Fd = -1; }
  ~WriteLock();
  WriteLock(const WriteLock &) = delete;

private:
  friend class Store;
  explicit WriteLock(int Fd) : Fd(Fd) {}
  int Fd;
};

class Store {
public:
  /// Opens (creating when missing) the store at Root.
  static llvm::Expected<std::unique_ptr<Store>> open(llvm::StringRef Root);
  /// `--root` when given, else $BALLAST_ROOT, else $XDG_DATA_HOME/ballast, else
  /// ~/.local/share/ballast.
  static std::string defaultRoot(const std::optional<std::string> &Flag);
  ~Store();

  const std::string &root() const { return Root; }

  // --- blobs -----------------------------------------------------------------------------
  bool hasBlob(const oci::Digest &D) const;
  std::string blobPath(const oci::Digest &D) const;
  /// A stream of a stored blob, verified against its digest at end of stream.
  llvm::Expected<std::unique_ptr<Reader>> openBlob(const oci::Digest &D) const;
  /// Writes R as the blob Want (verified; size checked when Size >= 0) and returns once it is
  /// visible. Concurrent writers of the same blob both succeed.
  llvm::Error putBlob(const oci::Digest &Want, int64_t Size, Reader &R,
                      const std::function<void(int64_t)> &Progress = {});
  /// Writes R as a new blob of unknown digest (build output); returns its descriptor fields.
  llvm::Expected<std::pair<oci::Digest, int64_t>> putBlobUnknown(Reader &R);
  /// Where a resumable download of D is kept between attempts (`<root>/.ballast/ingest/<hex>`);
  /// the registry client appends to it and hands it to adoptIngest once complete.
  std::string ingestPath(const oci::Digest &D) const;
  /// Verifies a complete ingest file, fsyncs it and renames it into blobs/ (removes it when
  /// corrupt), then fsyncs blobs/. The caller holds lockIngest(D) from the first byte downloaded
  /// to this call.
  llvm::Error adoptIngest(const oci::Digest &D, int64_t Size);
  /// adoptIngest for a file the caller hashed as it wrote it (the registry client verified D
  /// over exactly these bytes, under lockIngest(D)): checks the size, fsyncs and renames without
  /// reading it again. The folder is not fsynced: call syncBlobs() once before anything (a tag)
  /// refers to the blobs adopted this way.
  llvm::Error adoptVerifiedIngest(const oci::Digest &D, int64_t Size);
  /// fsyncs blobs/sha256, making the renames of adoptVerifiedIngest durable.
  void syncBlobs() const;
  /// An exclusive lock on D's ingest file (`ingest/<hex>.lock`), so two processes pulling the
  /// same blob take turns: the second finds hasBlob(D) true once it holds the lock.
  llvm::Expected<WriteLock> lockIngest(const oci::Digest &D) const;

  // --- images ----------------------------------------------------------------------------
  /// Resolves a name ("busybox", "localhost:5000/a:1", "name@sha256:..."), a full or short
  /// image ID (config digest prefix, >= 4 hex), or a manifest digest.
  llvm::Expected<std::unique_ptr<oci::Image>> image(llvm::StringRef NameOrId) const;
  /// A sink for copyImage: blobs through putBlob; putManifest stores the manifest and records
  /// Tag (a full reference string) in index.json in one atomic index update.
  std::unique_ptr<oci::ImageSink> sink();
  /// Points Ref at the manifest Manifest (which must be stored); replaces an existing tag.
  llvm::Error tag(const oci::Reference &Ref, const oci::Digest &Manifest, llvm::StringRef MediaType,
                  int64_t Size);
  /// Points every one of Refs at Manifest in one index update (`build -t a -t b`).
  llvm::Error tag(llvm::ArrayRef<oci::Reference> Refs, const oci::Digest &Manifest,
                  llvm::StringRef MediaType, int64_t Size);
  /// Removes the tag; the blobs stay until gc.
  llvm::Error untag(const oci::Reference &Ref);
  /// Docker's `rmi`: removes the name (or, given an ID or digest, every name of that image when
  /// it has one, or Force) and deletes the blobs no other index entry reaches.
  llvm::Expected<RemoveReport> remove(llvm::StringRef NameOrId, bool Force);
  /// The record of one image as `image()` resolves it (Ref is the name that matched, if any).
  llvm::Expected<ImageRecord> resolve(llvm::StringRef NameOrId) const;
  /// Every image in index.json, tagged first (entries whose blobs cannot be read are left out;
  /// fsck reports them).
  llvm::Expected<std::vector<ImageRecord>> list() const;
  /// Removes (or with DryRun only reports) blobs no index entry reaches.
  llvm::Expected<PruneReport> gc(bool DryRun);
  /// `image prune`: drops the untagged index entries Scope names, then gc(DryRun). A parent is
  /// an image whose layers are a strict prefix of another stored image's layers.
  llvm::Expected<PruneReport> prune(bool DryRun, PruneScope Scope = PruneScope::Dangling);
  /// Re-hashes every blob; with Repair removes corrupt and dangling files.
  llvm::Expected<FsckReport> fsck(bool Repair);

  /// Records that the image Id was built by ballast from the Dockerfile at the absolute path
  /// DockerfilePath whose bytes had sha256 DockerfileSha256 (`.ballast/built/<id hex>.json`), so
  /// `analyze` can point findings at its lines without `--dockerfile`.
  llvm::Error recordBuild(const oci::Digest &Id, llvm::StringRef DockerfilePath,
                          llvm::StringRef DockerfileSha256);
  /// What recordBuild recorded for Id: (absolute Dockerfile path, its sha256 hex) or none.
  std::optional<std::pair<std::string, std::string>> builtFrom(const oci::Digest &Id) const;

  /// Takes the writer lock (blocks until free). tag/untag/remove/gc/prune/fsck take it
  /// themselves: do not call them while holding it (flock would wait for itself).
  llvm::Expected<WriteLock> lock() const;
  /// Holds off gc/fsck (a shared lock on `<root>/.ballast/gc.lock`) while blobs of a manifest
  /// that is not tagged yet are being written; sink() holds one for its lifetime. Do not call
  /// gc/prune/fsck/remove from a thread of a process that holds one (flock would wait forever).
  llvm::Expected<WriteLock> pin() const;
  /// The uncompressed size of a stored layer blob (cached in the lookup table; measured by
  /// decompressing the blob, without re-hashing it: fsck is what verifies stored blobs).
  llvm::Expected<int64_t> layerSize(const oci::Descriptor &Layer) const;
  /// Records a layer's uncompressed size when the writer already knows it (import, build), so
  /// tagging never has to decompress the layer to measure it.
  llvm::Error noteLayerSize(const oci::Digest &Layer, int64_t Uncompressed);

private:
  explicit Store(std::string Root) : Root(std::move(Root)) {}
  struct Table;
  struct Entry;
  llvm::Expected<oci::Index> readIndex() const;
  llvm::Error writeIndex(const oci::Index &Idx) const;
  Table loadTable() const;
  llvm::Error saveTable(const Table &Add) const;
  llvm::Expected<std::vector<Entry>> entries() const;
  llvm::Expected<ImageRecord> record(const oci::Descriptor &D, Table &T, bool &Dirty) const;
  llvm::Expected<std::string> readBlob(const oci::Digest &D) const;
  llvm::Expected<oci::Descriptor> platformManifest(const oci::Descriptor &D) const;
  llvm::Error reachable(const oci::Descriptor &D, std::vector<oci::Digest> &Out) const;
  llvm::Expected<WriteLock> flockFile(llvm::StringRef Name, int Op) const;
  llvm::Expected<PruneReport> collect(bool DryRun, std::optional<PruneScope> Drop);
  llvm::Expected<std::vector<oci::Digest>> layersOf(const oci::Descriptor &D) const;
  std::string Root;
};

} // namespace ballast::store
