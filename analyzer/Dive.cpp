//===- Dive.cpp - dive v0.13's efficiency figures, reproduced exactly -----===//
#include "analyzer/Dive.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_map>

namespace ballast::analyzer {
namespace {

/// dive's FileNode: a name, the FileInfo fields that matter here, children sorted by name
/// (Go's sort.Strings and std::map both order by bytes).
struct Node {
  std::string Name;
  int64_t Size = 0;
  bool IsDir = false;
  Node *Parent = nullptr;
  std::map<std::string, std::unique_ptr<Node>> Children;
};

bool isWhiteoutName(llvm::StringRef N) { return N.startswith(".wh."); }

/// Node.Path(): "/" + names, the whiteout prefix removed from the node's own name only.
std::string pathOf(const Node *N) {
  std::vector<llvm::StringRef> Parts;
  for (const Node *C = N; C->Parent; C = C->Parent) {
    llvm::StringRef Name = C->Name;
    if (C == N && Name.startswith(".wh."))
      Name = Name.drop_front(4);
    Parts.push_back(Name);
  }
  std::string P;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It)
    P += "/" + It->str();
  if (P.empty())
    P = "/";
  // strings.Replace(path, "//", "/")
  size_t Pos;
  while ((Pos = P.find("//")) != std::string::npos)
    P.erase(Pos, 1);
  return P;
}

std::vector<std::string> split(llvm::StringRef Path) {
  std::vector<std::string> V;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Path.trim('/').split(Parts, '/');
  for (llvm::StringRef S : Parts)
    V.push_back(S.str());
  return V;
}

struct Info {
  int64_t Size = 0;
  bool IsDir = false;
};

/// FileTree.AddPath.
void addPath(Node &Root, llvm::StringRef Path, Info I) {
  std::vector<std::string> Names = split(Path);
  Node *N = &Root;
  for (size_t Idx = 0; Idx < Names.size(); ++Idx) {
    const std::string &Name = Names[Idx];
    if (Name.empty())
      continue;
    auto It = N->Children.find(Name);
    if (It != N->Children.end()) {
      N = It->second.get();
    } else {
      if (llvm::StringRef(Name).startswith(".wh..wh.."))
        return;
      auto C = std::make_unique<Node>();
      C->Name = Name;
      C->Parent = N;
      Node *Raw = C.get();
      N->Children.emplace(Name, std::move(C));
      N = Raw;
    }
    if (Idx == Names.size() - 1) {
      N->Size = I.Size;
      N->IsDir = I.IsDir;
    }
  }
}

Node *getNode(Node &Root, llvm::StringRef Path) {
  Node *N = &Root;
  for (const std::string &Name : split(Path)) {
    if (Name.empty())
      continue;
    auto It = N->Children.find(Name);
    if (It == N->Children.end())
      return nullptr;
    N = It->second.get();
  }
  return N;
}

void removePath(Node &Root, llvm::StringRef Path) {
  Node *N = getNode(Root, Path);
  if (!N || N == &Root)
    return;
  N->Parent->Children.erase(N->Name);
}

/// VisitDepthChildFirst: children in name order, then the node; the root is never visited.
/// Returns false when the visitor asked to stop (dive's error return).
template <typename F> bool visitChildFirst(Node &N, bool IsRoot, F &&Visit) {
  for (auto &[Name, C] : N.Children)
    if (!visitChildFirst(*C, false, Visit))
      return false;
  return IsRoot || Visit(N);
}

std::unique_ptr<Node> copyTree(const Node &N, Node *Parent) {
  auto C = std::make_unique<Node>();
  C->Name = N.Name;
  C->Size = N.Size;
  C->IsDir = N.IsDir;
  C->Parent = Parent;
  for (const auto &[Name, Child] : N.Children)
    C->Children.emplace(Name, copyTree(*Child, C.get()));
  return C;
}

/// FileTree.Stack: graft Upper onto Lower, child first.
void stack(Node &Lower, Node &Upper) {
  visitChildFirst(Upper, true, [&](Node &N) {
    std::string P = pathOf(&N);
    if (isWhiteoutName(N.Name))
      removePath(Lower, P);
    else
      addPath(Lower, P, {N.Size, N.IsDir});
    return true;
  });
}

std::unique_ptr<Node> layerTree(const LayerScan &S, uint64_t &FileSize) {
  auto Root = std::make_unique<Node>();
  for (const LayerEntry &E : S.Entries) {
    FileSize += E.Size;
    std::string Name = E.Path;
    Info I{E.Size, E.Kind == EntryKind::Dir};
    if (E.Kind == EntryKind::Whiteout) {
      size_t Slash = Name.rfind('/');
      Name = Slash == std::string::npos
                 ? ".wh." + Name
                 : Name.substr(0, Slash + 1) + ".wh." + Name.substr(Slash + 1);
      I = {};
    } else if (E.Kind == EntryKind::Opaque) {
      Name = (Name.empty() ? "" : Name + "/") + ".wh..wh..opq";
      I = {};
    }
    addPath(*Root, Name, I);
  }
  return Root;
}

struct PathData {
  int64_t Cumulative = 0;
  int64_t Min = -1;
  unsigned Nodes = 0;
};

} // namespace

DiveResult diveEfficiency(llvm::ArrayRef<LayerScan> Layers) {
  DiveResult R;
  std::unordered_map<std::string, PathData> Map;
  std::vector<std::string> Inefficient;
  std::unique_ptr<Node> Stacked; // trees[0] copied, then trees[0..i-1] stacked on it
  for (unsigned L = 0; L < Layers.size(); ++L) {
    uint64_t FileSize = 0;
    std::unique_ptr<Node> Tree = layerTree(Layers[L], FileSize);
    R.SizeBytes += FileSize;
    if (L != 0)
      R.UserSizeBytes += FileSize;
    Node &Lower = L == 0 ? *Tree : *Stacked; // StackTreeRange(trees, 0, -1) is trees[0]
    visitChildFirst(*Tree, true, [&](Node &N) {
      if (!N.Children.empty())
        return true; // leaves only
      std::string P = pathOf(&N);
      PathData &D = Map[P];
      int64_t Size = 0;
      if (isWhiteoutName(N.Name)) {
        Node *Prev = getNode(Lower, P);
        if (!Prev)
          return false; // dive: "path does not exist" ends this layer's visit
        if (Prev->IsDir)
          visitChildFirst(*Prev, false, [&](Node &C) {
            Size += C.Size;
            return true;
          });
      } else {
        Size = N.Size;
      }
      D.Cumulative += Size;
      if (D.Min < 0 || Size < D.Min)
        D.Min = Size;
      if (++D.Nodes == 2)
        Inefficient.push_back(P);
      return true;
    });
    if (L == 0) {
      Stacked = copyTree(*Tree, nullptr);
      stack(*Stacked, *Tree);
    } else {
      stack(*Stacked, *Tree);
    }
  }
  int64_t MinSum = 0, All = 0;
  for (const auto &[P, D] : Map) {
    MinSum += D.Min;
    All += D.Cumulative;
  }
  R.Efficiency = All == 0 ? 1.0 : double(MinSum) / double(All);
  for (const std::string &P : Inefficient) {
    const PathData &D = Map[P];
    R.Inefficient.push_back({P, D.Nodes, D.Cumulative});
    R.WastedBytes += static_cast<uint64_t>(D.Cumulative);
  }
  std::sort(R.Inefficient.begin(), R.Inefficient.end(), [](const DiveFile &A, const DiveFile &B) {
    if (A.WastedBytes != B.WastedBytes)
      return A.WastedBytes > B.WastedBytes;
    return A.Path < B.Path;
  });
  R.UserWastedPercent = double(R.WastedBytes) / double(R.UserSizeBytes);
  return R;
}

} // namespace ballast::analyzer
