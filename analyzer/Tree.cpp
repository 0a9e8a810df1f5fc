//===- Tree.cpp - Layers applied in order, with exact waste accounting -----===//
#include "analyzer/Tree.h"

#include <unordered_map>

namespace ballast::analyzer {

llvm::StringRef hideReasonName(HideReason R) {
  switch (R) {
  case HideReason::Overwritten: return "overwritten";
  case HideReason::FileWhiteout: return "file-whiteout";
  case HideReason::DirWhiteout: return "dir-whiteout";
  case HideReason::Opaque: return "opaque-dir";
  case HideReason::TypeChange: return "type-change";
  }
  return "overwritten";
}

llvm::StringRef copyLabelName(CopyLabel L) {
  switch (L) {
  case CopyLabel::None: return "";
  case CopyLabel::AttrOnly: return "chmod-chown-only";
  case CopyLabel::Unchanged: return "unchanged-copy";
  case CopyLabel::Moved: return "moved";
  }
  return "";
}

int64_t TreeModel::storedBytes() const {
  int64_t N = 0;
  for (const StoredFile &S : Stored)
    N += S.Size;
  return N;
}

int64_t TreeModel::wastedBytes() const {
  int64_t N = 0;
  for (const StoredFile &S : Stored)
    if (S.Hidden)
      N += S.Size;
  return N;
}

std::vector<int64_t> TreeModel::wastedByReason() const {
  std::vector<int64_t> V(NumHideReasons, 0);
  for (const StoredFile &S : Stored)
    if (S.Hidden)
      V[static_cast<unsigned>(S.Reason)] += S.Size;
  return V;
}

namespace {

bool isContent(EntryKind K) { return K == EntryKind::File || K == EntryKind::Hardlink; }

class Applier {
public:
  explicit Applier(TreeModel &M) : M(M) {}

  void apply(unsigned L, const LayerScan &S) {
    // Whiteouts and opaque markers hide lower-layer content only: apply them first.
    for (const LayerEntry &E : S.Entries) {
      if (E.Kind == EntryKind::Opaque)
        removeBelow(E.Path, HideReason::Opaque, L);
      else if (E.Kind == EntryKind::Whiteout)
        whiteout(E.Path, L);
    }
    for (uint32_t I = 0; I < S.Entries.size(); ++I) {
      const LayerEntry &E = S.Entries[I];
      if (E.Kind == EntryKind::Opaque || E.Kind == EntryKind::Whiteout)
        continue;
      add(L, I, E);
    }
  }

private:
  TreeModel &M;

  void unlink(const std::string &Path, const TreeNode &N, HideReason R, unsigned L) {
    if (N.Stored < 0)
      return;
    StoredFile &F = M.Stored[N.Stored];
    F.LastPath = Path;
    if (--F.Links == 0) {
      F.Hidden = true;
      F.Reason = R;
      F.RemovedBy = L;
    }
  }

  /// Removes everything strictly below Dir.
  void removeBelow(const std::string &Dir, HideReason R, unsigned L) {
    std::string Lo = Dir.empty() ? "" : Dir + "/";
    auto It = M.Nodes.lower_bound(Lo);
    while (It != M.Nodes.end() && llvm::StringRef(It->first).startswith(Lo)) {
      if (It->first == Dir) { // only when Dir is "" (the root has no node)
        ++It;
        continue;
      }
      unlink(It->first, It->second, R, L);
      It = M.Nodes.erase(It);
    }
  }

  void whiteout(const std::string &Path, unsigned L) {
    auto It = M.Nodes.find(Path);
    if (It == M.Nodes.end()) {
      ++M.DanglingWhiteouts;
      return;
    }
    if (It->second.Kind == EntryKind::Dir) {
      removeBelow(Path, HideReason::DirWhiteout, L);
      M.Nodes.erase(Path);
      return;
    }
    unlink(Path, It->second, HideReason::FileWhiteout, L);
    M.Nodes.erase(It);
  }

  /// Makes every parent of Path a directory (a non-directory in the way is replaced).
  void ensureParents(const std::string &Path, unsigned L) {
    size_t Pos = 0;
    while ((Pos = Path.find('/', Pos)) != std::string::npos) {
      std::string Parent = Path.substr(0, Pos);
      ++Pos;
      auto It = M.Nodes.find(Parent);
      if (It != M.Nodes.end()) {
        if (It->second.Kind == EntryKind::Dir)
          continue;
        unlink(Parent, It->second, HideReason::TypeChange, L);
        M.Nodes.erase(It);
      }
      TreeNode D;
      D.Kind = EntryKind::Dir;
      D.Layer = L;
      M.Nodes.emplace(Parent, D);
    }
  }

  void add(unsigned L, uint32_t I, const LayerEntry &E) {
    ensureParents(E.Path, L);
    TreeNode N;
    N.Kind = E.Kind;
    N.Layer = L;
    N.Entry = static_cast<int32_t>(I);
    if (E.Kind == EntryKind::File) {
      StoredFile F;
      F.Layer = L;
      F.Entry = I;
      F.Size = E.Size;
      F.Hash = E.Hash;
      F.Links = 1;
      F.LastPath = E.Path;
      N.Stored = static_cast<int32_t>(M.Stored.size());
      M.Stored.push_back(std::move(F));
    } else if (E.Kind == EntryKind::Hardlink) {
      auto T = M.Nodes.find(E.LinkTarget);
      if (T != M.Nodes.end() && T->second.Stored >= 0 && T->first != E.Path) {
        N.Stored = T->second.Stored;
        ++M.Stored[N.Stored].Links;
      }
    }
    auto It = M.Nodes.find(E.Path);
    if (It != M.Nodes.end()) {
      TreeNode &Old = It->second;
      if (Old.Kind == EntryKind::Dir && E.Kind == EntryKind::Dir) {
        Old.Layer = L; // new metadata, children stay
        Old.Entry = N.Entry;
        return;
      }
      bool Same = Old.Kind == E.Kind || (isContent(Old.Kind) && isContent(E.Kind));
      HideReason R = Same ? HideReason::Overwritten : HideReason::TypeChange;
      if (Old.Kind == EntryKind::Dir)
        removeBelow(E.Path, HideReason::TypeChange, L);
      // A hard link to the path it replaces keeps the content alive (Links counted it above).
      unlink(E.Path, Old, R, L);
      Old = N;
      return;
    }
    M.Nodes.emplace(E.Path, N);
  }
};

struct HashKey {
  size_t operator()(const ContentHash &H) const { return H.Low ^ (H.High * 31); }
};

/// Labels hidden contents by what the hiding layer did with the same bytes.
void label(TreeModel &M, llvm::ArrayRef<LayerScan> Layers) {
  std::vector<bool> Removers(Layers.size(), false);
  for (const StoredFile &F : M.Stored)
    if (F.Hidden)
      Removers[F.RemovedBy] = true;
  for (unsigned L = 0; L < Layers.size(); ++L) {
    if (!Removers[L])
      continue;
    std::unordered_map<std::string, uint32_t> ByPath;
    std::unordered_map<ContentHash, uint32_t, HashKey> ByHash;
    const auto &Es = Layers[L].Entries;
    for (uint32_t I = 0; I < Es.size(); ++I)
      if (Es[I].Kind == EntryKind::File) {
        ByPath[Es[I].Path] = I;
        ByHash.emplace(Es[I].Hash, I);
      }
    for (StoredFile &F : M.Stored) {
      if (!F.Hidden || F.RemovedBy != L)
        continue;
      const LayerEntry &Orig = Layers[F.Layer].Entries[F.Entry];
      auto P = ByPath.find(F.LastPath);
      if (P != ByPath.end() && Es[P->second].Hash == F.Hash && Es[P->second].Size == F.Size) {
        const LayerEntry &New = Es[P->second];
        F.Label = New.Mode == Orig.Mode && New.Uid == Orig.Uid && New.Gid == Orig.Gid
                      ? CopyLabel::Unchanged
                      : CopyLabel::AttrOnly;
        continue;
      }
      if (F.Size == 0)
        continue;
      auto H = ByHash.find(F.Hash);
      if (H != ByHash.end() && Es[H->second].Size == F.Size) {
        F.Label = CopyLabel::Moved;
        F.OtherPath = Es[H->second].Path;
      }
    }
  }
}

} // namespace

TreeModel buildTree(llvm::ArrayRef<LayerScan> Layers) {
  TreeModel M;
  Applier A(M);
  for (unsigned L = 0; L < Layers.size(); ++L)
    A.apply(L, Layers[L]);
  label(M, Layers);
  return M;
}

} // namespace ballast::analyzer
