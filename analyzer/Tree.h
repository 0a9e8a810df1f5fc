//===- Tree.h - Layers applied in order, with exact waste accounting -*- C++ -*-===//
//
// Applies each layer's entries to a path-sorted tree exactly as an overlay mount shows them:
// a layer's whiteouts and opaque markers first (they only affect lower layers, as the OCI spec
// says), then its other entries in tar order (overwrites, type changes, implicit parents). Every
// regular file's content is a StoredFile; hard links share one, so a content is hidden only when
// its last path goes, and it is counted once. Hidden content is the image's waste, by reason.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analyzer/Layer.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::analyzer {

/// Why bytes stored in a layer are not visible in the final image.
enum class HideReason : uint8_t {
  Overwritten,  ///< a later entry of the same type at the same path
  FileWhiteout, ///< `.wh.NAME` removed the file
  DirWhiteout,  ///< `.wh.DIR` removed the directory holding it (`rm -rf dir`)
  Opaque,       ///< an opaque directory hid everything below it from lower layers
  TypeChange    ///< the path (or a parent) became another type of entry
};
inline constexpr unsigned NumHideReasons = 5;
/// "overwritten", "file-whiteout", "dir-whiteout", "opaque-dir", "type-change".
llvm::StringRef hideReasonName(HideReason R);

/// What the layer that hid a content did with the same bytes.
enum class CopyLabel : uint8_t {
  None,
  AttrOnly,  ///< same path, same content, only mode/owner changed (chmod/chown copy)
  Unchanged, ///< same path, same content and attributes written again
  Moved      ///< same content written at another path (mv)
};
/// "", "chmod-chown-only", "unchanged-copy", "moved".
llvm::StringRef copyLabelName(CopyLabel L);

/// One regular-file content stored in a layer; hard links in the image share it.
struct StoredFile {
  unsigned Layer = 0;
  uint32_t Entry = 0; ///< index of the entry in its layer that stored the bytes
  int64_t Size = 0;
  ContentHash Hash;
  uint32_t Links = 0; ///< paths of the current tree referencing it
  bool Hidden = false;
  HideReason Reason = HideReason::Overwritten;
  unsigned RemovedBy = 0; ///< the layer that hid its last path
  std::string LastPath;   ///< the last path it was visible at
  CopyLabel Label = CopyLabel::None;
  std::string OtherPath; ///< for Moved: where the same bytes went
};

/// A path of the tree after some layers.
struct TreeNode {
  EntryKind Kind = EntryKind::Dir;
  unsigned Layer = 0;
  int32_t Entry = -1;  ///< -1 for an implicit parent directory
  int32_t Stored = -1; ///< the StoredFile of a regular file or hard link
};

/// The final tree and the fate of every stored byte.
struct TreeModel {
  std::map<std::string, TreeNode> Nodes; ///< final image, path-sorted
  std::vector<StoredFile> Stored;        ///< every stored content, in layer and tar order
  unsigned DanglingWhiteouts = 0;        ///< whiteouts of paths no lower layer had
  /// Bytes of every content stored in the layers (hard links once).
  int64_t storedBytes() const;
  /// Bytes hidden in the final image (all reasons).
  int64_t wastedBytes() const;
  /// Hidden bytes per reason, indexed by HideReason.
  std::vector<int64_t> wastedByReason() const;
};

/// Applies Layers in order. Layers must outlive nothing: the model copies what it keeps.
TreeModel buildTree(llvm::ArrayRef<LayerScan> Layers);

} // namespace ballast::analyzer
