//===- Snapshot.h - Extracted layers and overlay root filesystems -*- C++ -*-===//
//
// A snapshot is one layer extracted once into `<store root>/.ballast/snapshots/<diff_id hex>/`
// in overlayfs form (an OCI whiteout `.wh.x` becomes a 0/0 character device `x`, an opaque
// marker `.wh..wh..opq` the xattr `trusted.overlay.opaque=y` on its folder), so an image's chain
// of snapshots is directly an overlay lowerdir stack. Extraction never follows a symlink while
// creating entries (every entry is created with *at calls under directory fds opened with
// O_NOFOLLOW), keeps modes, numeric owners, xattrs, times, hard links and device nodes, checks
// the diff_id, and is atomic: a temporary folder renamed into place, where a concurrent
// extraction of the same layer simply wins the race.
//
// OverlayMount mounts such a stack with a fresh upper: the root filesystem of one RUN step or
// one `ballast run`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "oci/Digest.h"
#include "oci/Image.h"
#include "support/Stream.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::builder {

/// Extracts the uncompressed tar stream Tar into the existing empty folder Dir in overlay form
/// (see above). Entries whose path climbs out of the root, or passes through a symlink, and hard
/// links to anything outside the layer are rejected with an error naming the entry.
llvm::Error extractLayer(std::unique_ptr<Reader> Tar, llvm::StringRef Dir);

/// Removes Path and everything below it without following symlinks (no error when missing).
llvm::Error removeTree(llvm::StringRef Path);

/// The per-layer snapshot folders under a store.
class SnapshotStore {
public:
  /// Snapshots of the store at StoreRoot (`<StoreRoot>/.ballast/snapshots`).
  static llvm::Expected<SnapshotStore> open(llvm::StringRef StoreRoot);

  /// The folder of DiffID's snapshot (whether or not it exists yet).
  std::string path(const oci::Digest &DiffID) const;
  /// True when DiffID is extracted.
  bool has(const oci::Digest &DiffID) const;
  /// A folder for temporary work on the same file system (overlay upper/work dirs), so adopt()
  /// is a rename.
  const std::string &tempParent() const { return Tmp; }
  /// Where OverlayMount::create keeps the shared mount point stub layers.
  std::string stubCache() const { return Dir + "/.stubs"; }

  /// DiffID's snapshot, extracting the layer from the blob Open returns (gzip, zstd or plain)
  /// when it is not there yet.
  llvm::Expected<std::string>
  ensure(const oci::Digest &DiffID,
         const std::function<llvm::Expected<std::unique_ptr<Reader>>()> &Open);

  /// The snapshots of every layer of Img, bottom first (extracting missing ones).
  llvm::Expected<std::vector<std::string>> chain(const oci::Image &Img);

  /// Makes a folder already in overlay form (an unmounted upper dir of a step) the snapshot of
  /// DiffID by renaming it; when DiffID exists already Dir is removed instead.
  llvm::Error adopt(llvm::StringRef Dir, const oci::Digest &DiffID);

private:
  SnapshotStore(std::string Dir, std::string Tmp) : Dir(std::move(Dir)), Tmp(std::move(Tmp)) {}
  std::string Dir, Tmp;
};

/// An overlay mount of a snapshot stack with a fresh, initially empty upper folder: the root
/// filesystem of one step. Unmounted and removed on destruction.
class OverlayMount {
public:
  /// Mounts Lowers (bottom first, as SnapshotStore::chain returns them; may be empty for
  /// `scratch`) under a new temporary folder in WorkParent (`merged/`, `upper/`, `work/`).
  /// Stacks too long for mount(2)'s one-page option string go through fsconfig's `lowerdir+`.
  /// Mount points the sandbox needs that the stack lacks come from a small extra lower layer,
  /// kept in StubCache (shared, see SnapshotStore::stubCache) or, when empty, made per mount.
  static llvm::Expected<std::unique_ptr<OverlayMount>> create(llvm::ArrayRef<std::string> Lowers,
                                                              llvm::StringRef WorkParent,
                                                              llvm::StringRef StubCache = "");
  ~OverlayMount();
  OverlayMount(const OverlayMount &) = delete;

  /// The merged view (the sandbox's Rootfs).
  const std::string &merged() const { return Merged; }
  /// What the step changed, in overlay form (whiteouts as 0/0 devices, opaque xattrs).
  const std::string &upper() const { return Upper; }
  /// Unmounts, keeping upper() for diffing or SnapshotStore::adopt; the rest goes on
  /// destruction.
  llvm::Error unmount();

private:
  OverlayMount() = default;
  std::string Base, Merged, Upper;
  bool Mounted = false;
};

} // namespace ballast::builder
