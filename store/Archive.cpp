//===- Archive.cpp - OCI layouts, oci-archive and docker-archive ----------===//
//
// Reading: a hand-written tar scanner (ustar, GNU long names, pax path/linkpath/size) builds an
// index of members with their sha256, so an archive is read once up front and each blob later
// by offset. Writing: libarchive (pax restricted, loaded on first use: oci/LibArchive.h) into a
// temp file renamed on commit.
//
//===----------------------------------------------------------------------===//
#include "store/Archive.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/LibArchive.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::store {

using nlohmann::json;

namespace {

constexpr const char RefNameKey[] = "org.opencontainers.image.ref.name";
constexpr const char ContainerdNameKey[] = "io.containerd.image.name";

/// Does not own its source: lets a Reader& flow into APIs that take a unique_ptr.
class BorrowedReader : public Reader {
public:
  explicit BorrowedReader(Reader &R) : R(R) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override { return R.read(Buf, Len); }

private:
  Reader &R;
};

/// Reads exactly Len bytes unless the stream ends first; returns how many were read.
llvm::Expected<size_t> readFull(Reader &R, char *Buf, size_t Len) {
  size_t Got = 0;
  while (Got < Len) {
    auto N = R.read(Buf + Got, Len - Got);
    if (!N)
      return N.takeError();
    if (*N == 0)
      break;
    Got += *N;
  }
  return Got;
}

/// Bytes [Off, Off+Len) of a file, through pread on its own descriptor.
class RangeReader : public Reader {
public:
  RangeReader(int Fd, uint64_t Off, uint64_t Len) : Fd(Fd), Pos(Off), End(Off + Len) {}
  ~RangeReader() override { ::close(Fd); }
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    size_t Want = std::min<uint64_t>(Len, End - Pos);
    if (Want == 0)
      return 0;
    for (;;) {
      ssize_t N = ::pread(Fd, Buf, Want, static_cast<off_t>(Pos));
      if (N < 0 && errno == EINTR)
        continue;
      if (N < 0)
        return makeError(llvm::Twine("read failed: ") + std::strerror(errno));
      if (N == 0)
        return makeError("archive ends inside a member; the file is truncated");
      Pos += static_cast<uint64_t>(N);
      return static_cast<size_t>(N);
    }
  }

private:
  int Fd;
  uint64_t Pos, End;
};

/// The next Len bytes of a stream (after skipping Skip bytes).
class WindowReader : public Reader {
public:
  WindowReader(std::unique_ptr<Reader> In, uint64_t Skip, uint64_t Len)
      : In(std::move(In)), Skip(Skip), Left(Len) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    std::vector<char> Tmp;
    while (Skip > 0) {
      Tmp.resize(1 << 16);
      auto N = In->read(Tmp.data(), std::min<uint64_t>(Tmp.size(), Skip));
      if (!N)
        return N.takeError();
      if (*N == 0)
        return makeError("archive ends before a member; the file is truncated");
      Skip -= *N;
    }
    if (Left == 0)
      return 0;
    auto N = In->read(Buf, std::min<uint64_t>(Len, Left));
    if (!N)
      return N.takeError();
    if (*N == 0)
      return makeError("archive ends inside a member; the file is truncated");
    Left -= *N;
    return *N;
  }

private:
  std::unique_ptr<Reader> In;
  uint64_t Skip, Left;
};

std::string cleanName(llvm::StringRef N) {
  while (N.consume_front("./") || N.consume_front("/"))
    ;
  N = N.rtrim('/');
  return N == "." ? std::string() : N.str();
}

/// One member of a tar, as found by the scan.
struct Member {
  std::string Name;
  char Type = '0'; ///< '0' file, '1' hardlink, '2' symlink, '5' dir, ...
  std::string Link;
  uint64_t Offset = 0, Size = 0;
  std::string Hex;   ///< sha256 of the content (regular files)
  std::string Magic; ///< first bytes of the content
};

/// A scanned tar file (plain, gzip or zstd).
class TarArchive {
public:
  static llvm::Expected<std::shared_ptr<TarArchive>> scan(llvm::StringRef Path);
  /// The regular file Name (links followed), or null.
  const Member *find(llvm::StringRef Name) const;
  llvm::Expected<std::unique_ptr<Reader>> open(llvm::StringRef Name) const;
  llvm::Expected<std::string> readText(llvm::StringRef Name) const {
    auto R = open(Name);
    if (!R)
      return R.takeError();
    return readAll(**R);
  }
  const std::string &path() const { return Path; }

private:
  std::string Path;
  bool Compressed = false;
  std::vector<Member> Members;
  std::map<std::string, size_t> ByName;
};

uint64_t parseNumber(const char *F, size_t Len) {
  if (static_cast<unsigned char>(F[0]) & 0x80) { // GNU base-256
    uint64_t V = static_cast<unsigned char>(F[0]) & 0x7f;
    for (size_t I = 1; I < Len; ++I)
      V = (V << 8) | static_cast<unsigned char>(F[I]);
    return V;
  }
  uint64_t V = 0;
  for (size_t I = 0; I < Len && F[I]; ++I)
    if (F[I] >= '0' && F[I] <= '7')
      V = V * 8 + static_cast<uint64_t>(F[I] - '0');
  return V;
}

std::string field(const char *F, size_t Len) { return std::string(F, strnlen(F, Len)); }

llvm::Expected<std::shared_ptr<TarArchive>> TarArchive::scan(llvm::StringRef Path) {
  auto File = openFileReader(Path);
  if (!File)
    return File.takeError();
  char Head[4] = {0};
  auto Peek = readFull(**File, Head, 4);
  if (!Peek)
    return Peek.takeError();
  auto T = std::make_shared<TarArchive>();
  T->Path = Path.str();
  T->Compressed =
      (Head[0] == '\x1f' && Head[1] == '\x8b') ||
      (Head[0] == '\x28' && Head[1] == '\xb5' && Head[2] == '\x2f' && Head[3] == '\xfd');
  auto Again = openFileReader(Path);
  if (!Again)
    return Again.takeError();
  auto In = oci::decompress(std::move(*Again));
  if (!In)
    return makeError(Path + ": " + llvm::toString(In.takeError()));
  Reader &R = **In;
  uint64_t Pos = 0;
  std::string LongName, LongLink;
  int64_t PaxSize = -1; // from a pax header, for the next member
  std::vector<char> Buf(1 << 16);
  for (;;) {
    char H[512];
    auto N = readFull(R, H, 512);
    if (!N)
      return makeError(Path + ": " + llvm::toString(N.takeError()));
    if (*N == 0 && Pos == 0)
      return makeError(Path + ": the archive is empty; expected a tar file");
    if (*N < 512)
      return makeError(Path + ": the archive ends inside a tar header; the file is truncated");
    Pos += 512;
    if (std::all_of(H, H + 512, [](char C) { return C == 0; }))
      break;
    unsigned Sum = 0;
    for (int I = 0; I < 512; ++I)
      Sum += (I >= 148 && I < 156) ? ' ' : static_cast<unsigned char>(H[I]);
    if (Sum != parseNumber(H + 148, 8))
      return makeError(Path + ": bad tar header checksum at offset " + llvm::Twine(Pos - 512) +
                       "; the file is not a tar archive or is corrupt");
    Member M;
    M.Type = H[156] ? H[156] : '0';
    M.Size = PaxSize >= 0 ? static_cast<uint64_t>(PaxSize) : parseNumber(H + 124, 12);
    std::string Name = field(H, 100);
    if (llvm::StringRef(H + 257, 5) == "ustar") {
      std::string Prefix = field(H + 345, 155);
      if (!Prefix.empty())
        Name = Prefix + "/" + Name;
    }
    M.Name = cleanName(LongName.empty() ? Name : LongName);
    M.Link = LongLink.empty() ? field(H + 157, 100) : LongLink;
    M.Offset = Pos;
    bool Meta = M.Type == 'x' || M.Type == 'g' || M.Type == 'L' || M.Type == 'K';
    bool HasData = M.Type == '0' || M.Type == '7' || Meta;
    uint64_t Padded = HasData ? (M.Size + 511) / 512 * 512 : 0;
    std::string MetaData;
    Sha256 Hash;
    uint64_t Left = Padded, Content = HasData ? M.Size : 0;
    while (Left > 0) {
      auto K = R.read(Buf.data(), std::min<uint64_t>(Buf.size(), Left));
      if (!K)
        return makeError(Path + ": " + llvm::toString(K.takeError()));
      if (*K == 0)
        return makeError(Path + ": the archive ends inside " + M.Name + "; it is truncated");
      size_t Useful = std::min<uint64_t>(*K, Content);
      if (Meta)
        MetaData.append(Buf.data(), Useful);
      else
        Hash.update(Buf.data(), Useful);
      if (M.Magic.size() < 4 && Useful > 0)
        M.Magic.append(Buf.data(), std::min<size_t>(Useful, 4 - M.Magic.size()));
      Content -= Useful;
      Left -= *K;
      Pos += *K;
    }
    if (M.Type == 'L' || M.Type == 'K') {
      std::string &Dst = M.Type == 'L' ? LongName : LongLink;
      Dst = MetaData.substr(0, strnlen(MetaData.data(), MetaData.size()));
      continue;
    }
    if (M.Type == 'x') {
      llvm::StringRef Rest = MetaData;
      while (!Rest.empty()) {
        auto [LenS, After] = Rest.split(' ');
        size_t Len = 0;
        if (LenS.getAsInteger(10, Len) || Len <= LenS.size() || Len > Rest.size())
          break;
        llvm::StringRef Rec = Rest.substr(LenS.size() + 1, Len - LenS.size() - 2);
        Rest = Rest.drop_front(Len);
        auto [K, V] = Rec.split('=');
        if (K == "path")
          LongName = V.str();
        else if (K == "linkpath")
          LongLink = V.str();
        else if (K == "size") {
          uint64_t S = 0;
          if (!V.getAsInteger(10, S))
            PaxSize = static_cast<int64_t>(S);
        }
      }
      continue;
    }
    if (M.Type == 'g')
      continue;
    LongName.clear();
    LongLink.clear();
    PaxSize = -1;
    if (M.Type == '0' || M.Type == '7') {
      M.Type = '0';
      M.Hex = Hash.finishHex();
    }
    if (M.Name.empty())
      continue;
    T->ByName[M.Name] = T->Members.size();
    T->Members.push_back(std::move(M));
  }
  return T;
}

const Member *TarArchive::find(llvm::StringRef NameArg) const {
  std::string Name = cleanName(NameArg);
  for (int Hops = 0; Hops < 16; ++Hops) {
    auto It = ByName.find(Name);
    if (It == ByName.end())
      return nullptr;
    const Member &M = Members[It->second];
    if (M.Type == '0')
      return &M;
    if (M.Type == '1') {
      Name = cleanName(M.Link);
    } else if (M.Type == '2') {
      llvm::SmallString<128> P;
      if (!llvm::StringRef(M.Link).startswith("/"))
        P = llvm::sys::path::parent_path(M.Name);
      llvm::sys::path::append(P, llvm::sys::path::Style::posix, M.Link);
      llvm::sys::path::remove_dots(P, true, llvm::sys::path::Style::posix);
      Name = cleanName(P);
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

llvm::Expected<std::unique_ptr<Reader>> TarArchive::open(llvm::StringRef Name) const {
  const Member *M = find(Name);
  if (!M)
    return makeError(Path + ": the archive has no file " + Name);
  if (!Compressed) {
    int Fd = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
    if (Fd < 0)
      return makeError(Path + ": " + std::strerror(errno));
    return std::unique_ptr<Reader>(std::make_unique<RangeReader>(Fd, M->Offset, M->Size));
  }
  auto F = openFileReader(Path);
  if (!F)
    return F.takeError();
  auto D = oci::decompress(std::move(*F));
  if (!D)
    return D.takeError();
  return std::unique_ptr<Reader>(std::make_unique<WindowReader>(std::move(*D), M->Offset, M->Size));
}

// --- layouts (directory or archive) ----------------------------------------------------------

using FileOpener = std::function<llvm::Expected<std::unique_ptr<Reader>>(const std::string &)>;

/// An image of a layout plus the ref.name it was listed under.
struct LayoutImage {
  SourceImage Src;
  std::string RefName;
};

std::vector<std::string> namesOf(const oci::Descriptor &D) {
  auto C = D.Annotations.find(ContainerdNameKey);
  std::string N;
  if (C != D.Annotations.end())
    N = C->second;
  else if (auto R = D.Annotations.find(RefNameKey); R != D.Annotations.end())
    N = R->second;
  // A bare tag ("latest") names no repository: the image loads untagged.
  if (N.empty() || llvm::StringRef(N).find_first_of("/:") == llvm::StringRef::npos)
    return {};
  auto Ref = oci::Reference::parse(N);
  if (!Ref) {
    llvm::consumeError(Ref.takeError());
    return {};
  }
  return {Ref->str()};
}

std::string blobName(const oci::Digest &D) { return "blobs/" + D.algorithm() + "/" + D.hex(); }

llvm::Expected<std::string> readBlob(const FileOpener &Open, const oci::Descriptor &D) {
  auto R = Open(blobName(D.Dig));
  if (!R)
    return R.takeError();
  auto V = oci::verifyingReader(std::move(*R), D.Dig, D.Size);
  return readAll(*V);
}

llvm::Expected<std::vector<LayoutImage>> loadLayout(const FileOpener &Open, llvm::StringRef Where) {
  auto IR = Open("index.json");
  if (!IR)
    return makeError(Where + " is not an OCI image layout (no index.json)");
  auto Text = readAll(**IR);
  if (!Text)
    return Text.takeError();
  auto Idx = oci::Index::parse(*Text);
  if (!Idx)
    return makeError(Where + "/index.json: " + llvm::toString(Idx.takeError()));
  std::vector<LayoutImage> Out;
  for (auto &E : Idx->Manifests) {
    oci::Descriptor D = E;
    for (int Depth = 0; oci::media::isIndex(D.MediaType) && Depth < 4; ++Depth) {
      auto Raw = readBlob(Open, D);
      if (!Raw)
        return Raw.takeError();
      auto Sub = oci::Index::parse(*Raw);
      if (!Sub)
        return Sub.takeError();
      auto Sel = Sub->select(oci::Platform::host());
      if (!Sel)
        return Sel.takeError();
      D = *Sel;
    }
    auto Raw = readBlob(Open, D);
    if (!Raw)
      return Raw.takeError();
    auto M = oci::Manifest::parse(*Raw);
    if (!M)
      return M.takeError();
    auto Cfg = readBlob(Open, M->Config);
    if (!Cfg)
      return Cfg.takeError();
    auto Img = oci::BasicImage::create(
        std::move(*Raw), std::move(*Cfg),
        [Open](const oci::Descriptor &L) { return Open(blobName(L.Dig)); }, D.MediaType);
    if (!Img)
      return Img.takeError();
    LayoutImage LI;
    LI.Src.Img = std::move(*Img);
    LI.Src.Names = namesOf(E);
    if (auto It = E.Annotations.find(RefNameKey); It != E.Annotations.end())
      LI.RefName = It->second;
    Out.push_back(std::move(LI));
  }
  return Out;
}

FileOpener dirOpener(const std::string &Dir) {
  return [Dir](const std::string &Rel) { return openFileReader(Dir + "/" + Rel); };
}

FileOpener tarOpener(const std::shared_ptr<TarArchive> &T) {
  return [T](const std::string &Rel) { return T->open(Rel); };
}

// --- docker-archive ----------------------------------------------------------------------------

std::string layerMediaType(llvm::StringRef Magic) {
  if (Magic.startswith("\x1f\x8b"))
    return oci::media::OciLayerGzip;
  if (Magic.startswith("\x28\xb5\x2f\xfd"))
    return oci::media::OciLayerZstd;
  return oci::media::OciLayer;
}

struct DockerImage {
  SourceImage Src;
  std::vector<std::string> RepoTags; ///< as written
};

llvm::Expected<std::vector<DockerImage>> loadDockerArchive(const std::shared_ptr<TarArchive> &T) {
  auto Text = T->readText("manifest.json");
  if (!Text)
    return Text.takeError();
  json J = json::parse(Text->begin(), Text->end(), nullptr, false);
  if (!J.is_array())
    return makeError(T->path() + ": manifest.json is not a JSON array; not a docker-archive");
  // Docker 25+ also writes an OCI layout: use its manifests when they match (digests kept).
  std::vector<LayoutImage> Layout;
  if (T->find("index.json") && T->find("oci-layout")) {
    auto L = loadLayout(tarOpener(T), T->path());
    if (L)
      Layout = std::move(*L);
    else
      llvm::consumeError(L.takeError());
  }
  std::vector<DockerImage> Out;
  for (auto &E : J) {
    if (!E.is_object() || !E.contains("Config") || !E["Config"].is_string() ||
        !E.contains("Layers") || !E["Layers"].is_array())
      return makeError(T->path() + ": manifest.json entry lacks Config or Layers");
    DockerImage DI;
    if (auto It = E.find("RepoTags"); It != E.end() && It->is_array())
      for (auto &Tag : *It)
        if (Tag.is_string())
          DI.RepoTags.push_back(Tag.get<std::string>());
    for (auto &Tag : DI.RepoTags) {
      auto Ref = oci::Reference::parse(Tag);
      if (!Ref)
        return makeError(T->path() + ": manifest.json: " + llvm::toString(Ref.takeError()));
      DI.Src.Names.push_back(Ref->str());
    }
    std::string ConfigPath = E["Config"].get<std::string>();
    auto Cfg = T->readText(ConfigPath);
    if (!Cfg)
      return Cfg.takeError();
    oci::Digest Id = oci::Digest::sha256Of(*Cfg);
    for (auto &L : Layout)
      if (L.Src.Img && L.Src.Img->id() == Id) {
        DI.Src.Img = std::move(L.Src.Img);
        break;
      }
    if (!DI.Src.Img) {
      oci::Manifest M;
      M.MediaType = oci::media::OciManifest;
      M.Config.MediaType = oci::media::OciConfig;
      M.Config.Dig = Id;
      M.Config.Size = static_cast<int64_t>(Cfg->size());
      std::map<std::string, std::string> PathOf; // digest -> member
      for (auto &LP : E["Layers"]) {
        if (!LP.is_string())
          return makeError(T->path() + ": manifest.json: a layer path is not a string");
        const Member *Mem = T->find(LP.get<std::string>());
        if (!Mem)
          return makeError(T->path() + ": the archive has no layer " + LP.get<std::string>());
        oci::Descriptor D;
        D.MediaType = layerMediaType(Mem->Magic);
        D.Dig = oci::Digest::fromSha256Hex(Mem->Hex);
        D.Size = static_cast<int64_t>(Mem->Size);
        PathOf[D.Dig.str()] = LP.get<std::string>();
        M.Layers.push_back(D);
      }
      auto Img = oci::BasicImage::create(
          M.toJson(), std::move(*Cfg),
          [T, PathOf](const oci::Descriptor &L) -> llvm::Expected<std::unique_ptr<Reader>> {
            auto It = PathOf.find(L.Dig.str());
            if (It == PathOf.end())
              return makeError(T->path() + ": no layer " + L.Dig.str() + " in the archive");
            return T->open(It->second);
          });
      if (!Img)
        return makeError(T->path() + ": " + llvm::toString(Img.takeError()));
      DI.Src.Img = std::move(*Img);
    }
    Out.push_back(std::move(DI));
  }
  return Out;
}

llvm::Expected<std::unique_ptr<oci::Image>> pickByRef(std::vector<LayoutImage> Images,
                                                      llvm::StringRef Ref, llvm::StringRef Where) {
  if (Ref.empty()) {
    if (Images.size() == 1)
      return std::move(Images[0].Src.Img);
    return makeError(Where + " holds " + llvm::Twine(Images.size()) + " images; name one with " +
                     Where + ":REF");
  }
  std::optional<oci::Reference> Want;
  if (auto R = oci::Reference::parse(Ref))
    Want = *R;
  else
    llvm::consumeError(R.takeError());
  for (auto &L : Images)
    if (L.RefName == Ref)
      return std::move(L.Src.Img);
  for (auto &L : Images)
    for (auto &N : L.Src.Names)
      if (Want && N == Want->str())
        return std::move(L.Src.Img);
  return makeError(Where + " has no image named " + Ref);
}

} // namespace

// --- public entry points -----------------------------------------------------------------------

llvm::Expected<std::vector<SourceImage>> openLayout(llvm::StringRef Dir) {
  auto L = loadLayout(dirOpener(Dir.str()), Dir);
  if (!L)
    return L.takeError();
  std::vector<SourceImage> Out;
  for (auto &I : *L)
    Out.push_back(std::move(I.Src));
  return Out;
}

llvm::Expected<std::vector<SourceImage>> openArchive(llvm::StringRef Path) {
  auto T = TarArchive::scan(Path);
  if (!T)
    return T.takeError();
  std::vector<SourceImage> Out;
  if ((*T)->find("manifest.json")) {
    auto D = loadDockerArchive(*T);
    if (!D)
      return D.takeError();
    for (auto &I : *D)
      Out.push_back(std::move(I.Src));
    return Out;
  }
  if ((*T)->find("index.json")) {
    auto L = loadLayout(tarOpener(*T), Path);
    if (!L)
      return L.takeError();
    for (auto &I : *L)
      Out.push_back(std::move(I.Src));
    return Out;
  }
  return makeError(Path + " is neither a docker-archive (no manifest.json) nor an oci-archive "
                          "(no index.json)");
}

llvm::Expected<std::unique_ptr<oci::Image>> openImageSpec(llvm::StringRef Spec, Store *S,
                                                          const RemoteOpener &Remote) {
  llvm::StringRef Rest = Spec;
  auto SplitRef = [](llvm::StringRef R) {
    // skopeo's rule: the path ends at the first ':'.
    auto [Path, Ref] = R.split(':');
    return std::make_pair(Path.str(), Ref.str());
  };
  if (Rest.consume_front("oci:")) {
    auto [Dir, Ref] = SplitRef(Rest);
    auto L = loadLayout(dirOpener(Dir), Dir);
    if (!L)
      return L.takeError();
    return pickByRef(std::move(*L), Ref, "oci:" + Dir);
  }
  if (Rest.consume_front("oci-archive:")) {
    auto [File, Ref] = SplitRef(Rest);
    auto T = TarArchive::scan(File);
    if (!T)
      return T.takeError();
    auto L = loadLayout(tarOpener(*T), File);
    if (!L)
      return L.takeError();
    return pickByRef(std::move(*L), Ref, "oci-archive:" + File);
  }
  if (Rest.consume_front("docker-archive:")) {
    auto [File, Name] = SplitRef(Rest);
    auto T = TarArchive::scan(File);
    if (!T)
      return T.takeError();
    auto D = loadDockerArchive(*T);
    if (!D)
      return D.takeError();
    if (Name.empty()) {
      if (D->size() == 1)
        return std::move((*D)[0].Src.Img);
      return makeError("docker-archive:" + File + " holds " + llvm::Twine(D->size()) +
                       " images; name one with docker-archive:" + File + ":NAME or :@N");
    }
    if (llvm::StringRef(Name).startswith("@")) {
      size_t N = 0;
      if (llvm::StringRef(Name).drop_front().getAsInteger(10, N) || N >= D->size())
        return makeError("docker-archive:" + File + " has no image " + Name);
      return std::move((*D)[N].Src.Img);
    }
    auto Want = oci::Reference::parse(Name);
    if (!Want)
      return Want.takeError();
    for (auto &I : *D)
      if (llvm::is_contained(I.Src.Names, Want->str()))
        return std::move(I.Src.Img);
    return makeError("docker-archive:" + File + " has no image named " + Name);
  }
  if (Rest.startswith("docker://")) {
    if (Remote)
      return Remote(Rest.drop_front(9));
    return makeError("cannot open " + Spec + ": remote images need the registry client");
  }
  if (S) {
    auto Img = S->image(Spec);
    if (Img || !Remote)
      return Img;
    llvm::consumeError(Img.takeError());
  }
  if (Remote)
    return Remote(Spec);
  return makeError("No such image: " + Spec);
}

// --- writers -------------------------------------------------------------------------------------

namespace {
struct ArchiveFree {
  void operator()(struct archive *A) const { oci::archiveApi().WriteFree(A); }
};
struct EntryFree {
  void operator()(struct archive_entry *E) const { oci::archiveApi().EntryFree(E); }
};
} // namespace

struct ArchiveWriter::Impl {
  Format F = Format::Docker;
  std::string Path, TmpPath;
  int Fd = -1;
  std::unique_ptr<struct archive, ArchiveFree> A;
  std::mutex Mu;
  std::set<std::string> Written;                // member names
  std::map<std::string, std::string> LayerPath; // blob digest -> member (docker)
  struct DockerEntry {
    std::string Config;
    std::vector<std::string> RepoTags, Layers;
  };
  std::vector<DockerEntry> Docker;
  std::vector<oci::Descriptor> Index;
  bool Committed = false;

  llvm::Error fail(const llvm::Twine &What) {
    return makeError(What + " " + Path + ": " + oci::archiveApi().ErrorString(A.get()));
  }
  llvm::Error header(const std::string &Name, int64_t Size, bool Dir) {
    const oci::ArchiveApi &Api = oci::archiveApi();
    std::unique_ptr<struct archive_entry, EntryFree> E(Api.EntryNew());
    Api.EntrySetPathname(E.get(), Name.c_str());
    Api.EntrySetFiletype(E.get(), Dir ? AE_IFDIR : AE_IFREG);
    Api.EntrySetPerm(E.get(), Dir ? 0755 : 0644);
    Api.EntrySetSize(E.get(), Dir ? 0 : Size);
    Api.EntrySetMtime(E.get(), 0, 0);
    if (Api.WriteHeader(A.get(), E.get()) != ARCHIVE_OK)
      return fail("cannot write");
    Written.insert(Name);
    return llvm::Error::success();
  }
  llvm::Error dir(const std::string &Name) {
    if (Written.count(Name + "/"))
      return llvm::Error::success();
    return header(Name + "/", 0, true);
  }
  /// Writes a member of exactly Size bytes from R; caller holds Mu.
  llvm::Error file(const std::string &Name, int64_t Size, Reader &R) {
    if (auto E = header(Name, Size, false))
      return E;
    std::vector<char> Buf(1 << 20);
    int64_t Done = 0;
    for (;;) {
      auto N = R.read(Buf.data(), Buf.size());
      if (!N)
        return N.takeError();
      if (*N == 0)
        break;
      if (Done + static_cast<int64_t>(*N) > Size)
        return makeError("blob for " + Name + " is longer than its descriptor says");
      if (oci::archiveApi().WriteData(A.get(), Buf.data(), *N) < 0)
        return fail("cannot write");
      Done += static_cast<int64_t>(*N);
    }
    if (Done != Size)
      return makeError("blob for " + Name + " is shorter than its descriptor says");
    return llvm::Error::success();
  }
  llvm::Error text(const std::string &Name, const std::string &Bytes) {
    auto R = stringReader(Bytes);
    return file(Name, static_cast<int64_t>(Bytes.size()), *R);
  }
};

ArchiveWriter::ArchiveWriter() : P(std::make_unique<Impl>()) {}

ArchiveWriter::~ArchiveWriter() {
  if (!P->Committed) {
    P->A.reset();
    if (P->Fd >= 0)
      ::close(P->Fd);
    if (!P->TmpPath.empty())
      ::unlink(P->TmpPath.c_str());
  }
}

llvm::Expected<std::unique_ptr<ArchiveWriter>> ArchiveWriter::create(llvm::StringRef Path,
                                                                     Format F) {
  const oci::ArchiveApi &Api = oci::archiveApi();
  if (!Api.loaded())
    return makeError("cannot write " + Path + ": " + Api.Error);
  auto W = std::unique_ptr<ArchiveWriter>(new ArchiveWriter());
  Impl &I = *W->P;
  I.F = F;
  I.Path = Path.str();
  struct stat St;
  // A symlink stays a link (`-o /dev/stdout` redirected to a file): its target is replaced.
  if (::lstat(I.Path.c_str(), &St) == 0 && S_ISLNK(St.st_mode)) {
    llvm::SmallString<256> Real;
    if (!llvm::sys::fs::real_path(I.Path, Real))
      I.Path = Real.str().str();
  }
  if (::stat(I.Path.c_str(), &St) == 0 && !S_ISREG(St.st_mode)) {
    // A device or a FIFO (`save -o /dev/stdout`) is written in place: renaming a temporary
    // file over it would replace the node itself.
    I.Fd = ::open(I.Path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  } else {
    I.TmpPath = I.Path + ".ballast-XXXXXX";
    I.Fd = ::mkstemp(I.TmpPath.data());
  }
  if (I.Fd < 0)
    return makeError("cannot create " + Path + ": " + std::strerror(errno));
  I.A.reset(Api.WriteNew());
  Api.WriteSetFormatPaxRestricted(I.A.get());
  Api.WriteSetBytesInLastBlock(I.A.get(), 1);
  if (Api.WriteOpenFd(I.A.get(), I.Fd) != ARCHIVE_OK)
    return I.fail("cannot write");
  if (F == Format::Oci) {
    if (auto E = I.text("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"))
      return E;
    if (auto E = I.dir("blobs"))
      return E;
    if (auto E = I.dir("blobs/sha256"))
      return E;
  }
  return W;
}

static bool isConfigType(llvm::StringRef MT) {
  return MT == oci::media::OciConfig || MT == oci::media::DockerConfig ||
         (MT.endswith("+json") && !oci::media::isManifest(MT) && !oci::media::isIndex(MT));
}

llvm::Expected<bool> ArchiveWriter::hasBlob(const oci::Descriptor &D) {
  std::lock_guard<std::mutex> L(P->Mu);
  if (P->F == Format::Oci)
    return P->Written.count(blobName(D.Dig)) != 0;
  return P->Written.count(D.Dig.hex() + ".json") != 0 || P->LayerPath.count(D.Dig.str()) != 0;
}

llvm::Error ArchiveWriter::putBlob(const oci::Descriptor &D, Reader &R,
                                   const std::function<void(int64_t)> &Progress) {
  Impl &I = *P;
  if (I.F == Format::Oci) {
    std::lock_guard<std::mutex> L(I.Mu);
    if (I.Written.count(blobName(D.Dig)))
      return llvm::Error::success();
    oci::HashingReader H(std::make_unique<BorrowedReader>(R));
    if (auto E = I.file(blobName(D.Dig), D.Size, H))
      return E;
    if (H.digest() != D.Dig)
      return makeError("blob " + D.Dig.str() + " does not match its digest; the source is corrupt");
    if (Progress)
      Progress(D.Size);
    return llvm::Error::success();
  }
  if (isConfigType(D.MediaType)) {
    auto V = oci::verifyingReader(std::make_unique<BorrowedReader>(R), D.Dig, D.Size);
    auto Bytes = readAll(*V);
    if (!Bytes)
      return Bytes.takeError();
    std::lock_guard<std::mutex> L(I.Mu);
    if (I.Written.count(D.Dig.hex() + ".json"))
      return llvm::Error::success();
    return I.text(D.Dig.hex() + ".json", *Bytes);
  }
  // docker load wants uncompressed layers: spool the decompressed tar (its size must precede
  // it in the archive) to an unlinked temp file, hashing it for the diff ID on the way.
  std::string Spool = I.Path + ".layer-XXXXXX";
  int Fd = ::mkstemp(Spool.data());
  if (Fd < 0)
    return makeError("cannot create a temporary file beside " + I.Path + ": " +
                     std::strerror(errno));
  ::unlink(Spool.c_str());
  auto Close = llvm::make_scope_exit([&] { ::close(Fd); });
  auto U = oci::decompress(std::make_unique<BorrowedReader>(R));
  if (!U)
    return U.takeError();
  oci::HashingReader H(std::move(*U));
  auto N = copyToFd(H, Fd);
  if (!N)
    return N.takeError();
  // Read the compressed stream to its end so the source verifies its digest.
  char Rest[4096];
  for (;;) {
    auto K = R.read(Rest, sizeof Rest);
    if (!K)
      return K.takeError();
    if (*K == 0)
      break;
  }
  std::string Diff = H.digest().hex();
  if (Progress)
    Progress(D.Size);
  std::lock_guard<std::mutex> L(I.Mu);
  std::string Member = Diff + "/layer.tar";
  I.LayerPath[D.Dig.str()] = Member;
  if (I.Written.count(Member))
    return llvm::Error::success();
  if (auto E = I.dir(Diff))
    return E;
  int Dup = ::dup(Fd);
  if (Dup < 0 || ::lseek(Dup, 0, SEEK_SET) != 0)
    return makeError("cannot rewind the spooled layer: " + llvm::Twine(std::strerror(errno)));
  auto In = fdReader(Dup);
  return I.file(Member, static_cast<int64_t>(*N), *In);
}

llvm::Error ArchiveWriter::putManifest(llvm::StringRef Raw, llvm::StringRef MediaType,
                                       llvm::StringRef Tag) {
  Impl &I = *P;
  auto M = oci::Manifest::parse(Raw);
  if (!M)
    return M.takeError();
  std::optional<oci::Reference> Ref;
  if (!Tag.empty()) {
    auto R = oci::Reference::parse(Tag);
    if (!R)
      return R.takeError();
    Ref = *R;
  }
  std::lock_guard<std::mutex> L(I.Mu);
  if (I.F == Format::Oci) {
    oci::Descriptor D;
    D.MediaType = MediaType.empty() ? std::string(oci::media::OciManifest) : MediaType.str();
    D.Dig = oci::Digest::sha256Of(Raw);
    D.Size = static_cast<int64_t>(Raw.size());
    if (!I.Written.count(blobName(D.Dig)))
      if (auto E = I.text(blobName(D.Dig), Raw.str()))
        return E;
    if (Ref) {
      if (!Ref->tag().empty())
        D.Annotations[RefNameKey] = Ref->tag();
      D.Annotations[ContainerdNameKey] = Ref->str();
    }
    I.Index.push_back(D);
    return llvm::Error::success();
  }
  std::string Config = M->Config.Dig.hex() + ".json";
  if (!I.Written.count(Config))
    return makeError("cannot record image " + M->Config.Dig.str() + ": its config was not written");
  Impl::DockerEntry *Entry = nullptr;
  for (auto &E : I.Docker)
    if (E.Config == Config)
      Entry = &E;
  if (!Entry) {
    Impl::DockerEntry E;
    E.Config = Config;
    for (auto &Layer : M->Layers) {
      auto It = I.LayerPath.find(Layer.Dig.str());
      if (It == I.LayerPath.end())
        return makeError("cannot record image " + M->Config.Dig.str() + ": layer " +
                         Layer.Dig.str() + " was not written");
      E.Layers.push_back(It->second);
    }
    I.Docker.push_back(std::move(E));
    Entry = &I.Docker.back();
  }
  if (Ref && !Ref->tag().empty() && !llvm::is_contained(Entry->RepoTags, Ref->familiar()))
    Entry->RepoTags.push_back(Ref->familiar());
  return llvm::Error::success();
}

llvm::Error ArchiveWriter::commit() {
  Impl &I = *P;
  std::lock_guard<std::mutex> L(I.Mu);
  if (I.F == Format::Oci) {
    oci::Index Idx;
    Idx.MediaType = oci::media::OciIndex;
    Idx.Manifests = I.Index;
    if (auto E = I.text("index.json", Idx.toJson()))
      return E;
  } else {
    json Man = json::array();
    json Repos = json::object();
    for (auto &E : I.Docker) {
      json J = {{"Config", E.Config}, {"Layers", E.Layers}};
      J["RepoTags"] = E.RepoTags.empty() ? json(nullptr) : json(E.RepoTags);
      Man.push_back(J);
      for (auto &T : E.RepoTags) {
        auto R = oci::Reference::parse(T);
        if (!R) {
          llvm::consumeError(R.takeError());
          continue;
        }
        if (!E.Layers.empty())
          Repos[R->familiarName()][R->tag()] =
              llvm::StringRef(E.Layers.back()).split('/').first.str();
      }
    }
    if (auto E = I.text("manifest.json", Man.dump()))
      return E;
    if (auto E = I.text("repositories", Repos.dump()))
      return E;
  }
  if (oci::archiveApi().WriteClose(I.A.get()) != ARCHIVE_OK)
    return I.fail("cannot finish");
  I.A.reset();
  if (I.TmpPath.empty()) { // written in place (a device or a FIFO)
    int Rc = ::close(I.Fd);
    I.Fd = -1;
    if (Rc != 0)
      return makeError("cannot write " + I.Path + ": " + std::strerror(errno));
    I.Committed = true;
    return llvm::Error::success();
  }
  if (::fchmod(I.Fd, 0644) != 0 || ::fsync(I.Fd) != 0 || ::close(I.Fd) != 0) {
    I.Fd = -1;
    ::unlink(I.TmpPath.c_str());
    return makeError("cannot write " + I.Path + ": " + std::strerror(errno));
  }
  I.Fd = -1;
  if (::rename(I.TmpPath.c_str(), I.Path.c_str()) != 0) {
    ::unlink(I.TmpPath.c_str());
    return makeError("cannot write " + I.Path + ": " + std::strerror(errno));
  }
  I.Committed = true;
  std::string Parent = llvm::sys::path::parent_path(I.Path).str();
  int DirFd = ::open(Parent.empty() ? "." : Parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (DirFd >= 0) {
    ::fsync(DirFd);
    ::close(DirFd);
  }
  return llvm::Error::success();
}

} // namespace ballast::store
